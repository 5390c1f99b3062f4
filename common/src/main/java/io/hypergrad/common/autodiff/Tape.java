package io.hypergrad.common.autodiff;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Records operations for one forward-over-reverse sweep.
 *
 * <p>Each value may carry a tangent; {@link #backward} propagates adjoints with dual arithmetic, so the
 * adjoints carry tangents too. With the tangent u placed on a parameter block, one sweep gives the
 * gradient of the loss and the Hessian-vector product H·u for every parameter. With no tangent on any
 * leaf the tape runs in plain reverse mode at plain cost.
 *
 * <p>A tape is reused: {@link #reset()} recycles every buffer, so a loop that records the same graph
 * each step stops allocating arrays after its first step. A tape is not thread-safe; use one per thread.
 */
public final class Tape {
    /** The adjoint rule of one recorded op; runs in reverse recording order. */
    @FunctionalInterface
    public interface Backward {
        void run();
    }

    private final ArrayPool pool = new ArrayPool();
    private final List<Backward> steps = new ArrayList<>();
    private boolean tangentMode;
    private boolean backwardDone;
    private int recorded;

    /** Forgets every recorded op and recycles every buffer; values from before must not be used. */
    public void reset() {
        steps.clear();
        pool.releaseAll();
        tangentMode = false;
        backwardDone = false;
        recorded = 0;
    }

    /**
     * Turns tangent mode on or off for the next recording; allowed only before anything is recorded,
     * because every value with an adjoint needs an adjoint-tangent buffer from the start. Recording a
     * leaf with a tangent as the very first value turns it on implicitly.
     */
    public void setTangentMode(boolean on) {
        if (recorded > 0) {
            throw new IllegalStateException("tangent mode must be chosen before anything is recorded");
        }
        tangentMode = on;
    }

    /** True once a leaf with a tangent was recorded: adjoints then carry tangents. */
    public boolean tangentMode() {
        return tangentMode;
    }

    /**
     * A parameter leaf holding a copy of {@code values[off, off+size)}, with a tangent copied from
     * {@code tangent[tOff, …)} when {@code tangent} is non-null. Its adjoint is computed by backward.
     */
    public Var parameter(double[] values, int off, double[] tangent, int tOff, int... shape) {
        int n = sizeOf(shape);
        double[] v = pool.take(n);
        System.arraycopy(values, off, v, 0, n);
        double[] t = null;
        if (tangent != null) {
            if (recorded == 0) {
                tangentMode = true;
            } else if (!tangentMode) {
                throw new IllegalStateException("a tangent leaf after other values needs setTangentMode(true) first");
            }
            t = pool.take(n);
            System.arraycopy(tangent, tOff, t, 0, n);
        }
        recorded++;
        return new Var(this, shape.clone(), v, t, pool.takeZeroed(n), tangentMode ? pool.takeZeroed(n) : null);
    }

    /** A parameter leaf over a whole array, without tangent. */
    public Var parameter(double[] values, int... shape) {
        return parameter(values, 0, null, 0, shape);
    }

    /** A constant (data): no adjoint, no tangent. The values are copied. */
    public Var constantRange(double[] values, int off, int... shape) {
        int n = sizeOf(shape);
        double[] v = pool.take(n);
        System.arraycopy(values, off, v, 0, n);
        recorded++;
        return new Var(this, shape.clone(), v, null, null, null);
    }

    /** A constant over a whole array. */
    public Var constant(double[] values, int... shape) {
        return constantRange(values, 0, shape);
    }

    /**
     * A new op result of the given shape. It has an adjoint when any input has one, and a tangent when
     * any input has one. Primal and tangent buffers are uninitialised; adjoints start at zero.
     */
    Var result(int[] shape, boolean requiresGrad, boolean hasTangent) {
        int n = sizeOf(shape);
        double[] v = pool.take(n);
        double[] t = hasTangent ? pool.take(n) : null;
        double[] g = requiresGrad ? pool.takeZeroed(n) : null;
        double[] gt = requiresGrad && tangentMode ? pool.takeZeroed(n) : null;
        recorded++;
        return new Var(this, shape, v, t, g, gt);
    }

    /** Result of an op with the given inputs: adjoint and tangent follow from the inputs. */
    Var result(int[] shape, Var... inputs) {
        boolean rg = false;
        boolean ht = false;
        for (Var x : inputs) {
            checkOwn(x);
            rg |= x.g != null;
            ht |= x.t != null;
        }
        return result(shape, rg, ht);
    }

    /** Scratch memory that lives until {@link #reset()}. */
    double[] scratch(int length) {
        return pool.take(length);
    }

    /** Scratch memory filled with zeros. */
    double[] scratchZeroed(int length) {
        return pool.takeZeroed(length);
    }

    /** Records the adjoint rule of an op whose result needs an adjoint. */
    void record(Var out, Backward b) {
        if (out.g != null) {
            steps.add(b);
        }
    }

    /**
     * Runs the reverse sweep from a scalar loss: seeds its adjoint with 1 (and the adjoint's tangent with
     * 0) and applies every recorded rule in reverse order. Runs once per recording.
     */
    public void backward(Var loss) {
        checkOwn(loss);
        if (loss.size != 1) {
            throw new IllegalArgumentException("backward needs a scalar loss, got shape " + Arrays.toString(loss.shape));
        }
        if (loss.g == null) {
            throw new IllegalArgumentException("the loss does not depend on any parameter");
        }
        if (backwardDone) {
            throw new IllegalStateException("backward already ran on this recording; reset() the tape first");
        }
        backwardDone = true;
        loss.g[0] = 1.0;
        for (int i = steps.size() - 1; i >= 0; i--) {
            steps.get(i).run();
        }
    }

    private void checkOwn(Var x) {
        if (x.tape != this) {
            throw new IllegalArgumentException("value belongs to another tape");
        }
    }

    static int sizeOf(int[] shape) {
        int n = 1;
        for (int d : shape) {
            if (d < 0) {
                throw new IllegalArgumentException("negative dimension in " + Arrays.toString(shape));
            }
            n = Math.multiplyExact(n, d);
        }
        return n;
    }
}
