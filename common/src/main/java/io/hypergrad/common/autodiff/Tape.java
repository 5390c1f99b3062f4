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
 * <p>A tape is reused: {@link #reset()} recycles every buffer and shape, so a loop that records the same
 * graph each step stops allocating arrays after its first step. A tape is not thread-safe; use one per thread.
 */
public final class Tape {
    /** The adjoint rule of one recorded op; runs in reverse recording order. */
    @FunctionalInterface
    public interface Backward {
        void run();
    }

    private final ArrayPool pool = new ArrayPool();
    private final List<Backward> steps = new ArrayList<>();
    /** The result of each recorded step, in recording order. */
    private final List<Var> stepOutputs = new ArrayList<>();
    /** Every leaf with an adjoint: backward zeroes the adjoints no op wrote to. */
    private final List<Var> leaves = new ArrayList<>();
    private final List<int[]> shapes = new ArrayList<>();
    private int shapeCursor;
    private boolean tangentMode;
    private boolean backwardDone;
    private int recorded;

    /** Forgets every recorded op and recycles every buffer; values from before must not be used. */
    public void reset() {
        steps.clear();
        stepOutputs.clear();
        leaves.clear();
        pool.releaseAll();
        shapeCursor = 0;
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
     * {@code tangent[tOff, …)} when {@code tangent} is non-null. Its adjoint is computed by backward into
     * a buffer of the tape's ({@link Var#g}).
     */
    public Var parameter(double[] values, int off, double[] tangent, int tOff, int... shape) {
        int n = sizeOf(shape);
        double[] v = pool.take(n);
        System.arraycopy(values, off, v, 0, n);
        double[] t = null;
        if (tangent != null) {
            enterTangentMode();
            t = pool.take(n);
            System.arraycopy(tangent, tOff, t, 0, n);
        }
        recorded++;
        return leaf(new Var(this, shape.clone(), v, t, pool.take(n), tangentMode ? pool.take(n) : null));
    }

    /** A parameter leaf over a whole array, without tangent. */
    public Var parameter(double[] values, int... shape) {
        return parameter(values, 0, null, 0, shape);
    }

    /**
     * A leaf that views {@code values[off, off+size)} in place, with its tangent at the same offset of
     * {@code tangent} when that is non-null. Backward writes its adjoint into {@code grad[off, …)} and,
     * in tangent mode, the adjoint's tangent into {@code gradTangent[off, …)}, overwriting what was there
     * (zeros where the loss does not depend on it): nothing is copied in, zero-filled or gathered out, so
     * one flat vector serves every tensor laid out in it. With {@code grad} null the
     * leaf is a constant (no adjoint). The arrays must not change until {@link #reset()}, and the shape
     * array is kept as given: pass one that nobody modifies.
     */
    public Var view(double[] values, double[] tangent, double[] grad, double[] gradTangent, int off, int[] shape) {
        int n = sizeOf(shape);
        checkRange("values", values, off, n);
        if (tangent != null) {
            checkRange("tangent", tangent, off, n);
            enterTangentMode();
        }
        if (grad != null) {
            checkRange("adjoint", grad, off, n);
            if (tangentMode != (gradTangent != null)) {
                throw new IllegalArgumentException(tangentMode
                        ? "in tangent mode a leaf with an adjoint needs an array for the adjoint's tangent"
                        : "an adjoint tangent without tangent mode: call setTangentMode(true) first");
            }
            if (gradTangent != null) {
                checkRange("adjoint tangent", gradTangent, off, n);
            }
        }
        recorded++;
        Var leaf = new Var(this, shape, values, tangent, grad, grad != null ? gradTangent : null, off);
        return grad != null ? leaf(leaf) : leaf;
    }

    private Var leaf(Var x) {
        leaves.add(x);
        return x;
    }

    /** A constant (data): no adjoint, no tangent. It views {@code values} from {@code off}, not a copy. */
    public Var constantRange(double[] values, int off, int... shape) {
        int n = sizeOf(shape);
        checkRange("values", values, off, n);
        recorded++;
        return new Var(this, shape.clone(), values, null, null, null, off);
    }

    /** A constant over a whole array (a view, not a copy). */
    public Var constant(double[] values, int... shape) {
        return constantRange(values, 0, shape);
    }

    /**
     * A constant of shape [rows, …rowShape] viewing {@code values} (a mini-batch's inputs): unlike
     * {@link #constant} it allocates nothing once the tape has recorded the same shape before.
     */
    public Var constant(double[] values, int rows, int[] rowShape) {
        int[] shape = shape(rows, rowShape);
        checkRange("values", values, 0, sizeOf(shape));
        recorded++;
        return new Var(this, shape, values, null, null, null, 0);
    }

    private void enterTangentMode() {
        if (recorded == 0) {
            tangentMode = true;
        } else if (!tangentMode) {
            throw new IllegalStateException("a tangent leaf after other values needs setTangentMode(true) first");
        }
    }

    private static void checkRange(String what, double[] a, int off, int n) {
        if (off < 0 || off > a.length - n) {
            throw new IllegalArgumentException(what + " of length " + a.length + " has no " + n + " elements from " + off);
        }
    }

    /**
     * A new op result of the given shape. It has an adjoint when any input has one, and a tangent when
     * any input has one. Every buffer is uninitialised; the adjoints are pending ({@link Var#gPending}).
     */
    Var result(int[] shape, boolean requiresGrad, boolean hasTangent) {
        int n = sizeOf(shape);
        double[] v = pool.take(n);
        double[] t = hasTangent ? pool.take(n) : null;
        double[] g = requiresGrad ? pool.take(n) : null;
        double[] gt = requiresGrad && tangentMode ? pool.take(n) : null;
        recorded++;
        return new Var(this, shape, v, t, g, gt);
    }

    /**
     * Result of an op that reads its input from index 0 ({@link Var#contiguous}); ops that honour
     * {@link Var#offset()} use {@link #resultOfViews}. Adjoint and tangent follow from the inputs.
     */
    Var result(int[] shape, Var x) {
        requireContiguous(x);
        return resultOfViews(shape, x);
    }

    /** As {@link #result(int[], Var)} for two inputs. */
    Var result(int[] shape, Var x, Var y) {
        requireContiguous(x);
        requireContiguous(y);
        return resultOfViews(shape, x, y);
    }

    /** As {@link #result(int[], Var)} for any number of inputs. */
    Var result(int[] shape, Var... inputs) {
        for (Var x : inputs) {
            requireContiguous(x);
        }
        return resultOfViews(shape, inputs);
    }

    /** Result of an op that reads every input from its offset. */
    Var resultOfViews(int[] shape, Var x) {
        checkOwn(x);
        return result(shape, x.g != null, x.t != null);
    }

    /** As {@link #resultOfViews(int[], Var)} for two inputs. */
    Var resultOfViews(int[] shape, Var x, Var y) {
        checkOwn(x);
        checkOwn(y);
        return result(shape, x.g != null || y.g != null, x.t != null || y.t != null);
    }

    /** As {@link #resultOfViews(int[], Var)} for any number of inputs. */
    Var resultOfViews(int[] shape, Var... inputs) {
        boolean rg = false;
        boolean ht = false;
        for (Var x : inputs) {
            checkOwn(x);
            rg |= x.g != null;
            ht |= x.t != null;
        }
        return result(shape, rg, ht);
    }

    private static void requireContiguous(Var x) {
        if (!x.contiguous()) {
            // An op that reads from index 0 was handed a view: it must call Ops.contiguous first.
            throw new IllegalStateException("internal: a view " + x + " reached an op that does not read offsets");
        }
    }

    /**
     * The shape [d0] for this recording. Shapes are kept by position in the recording, so a loop that
     * records the same graph gets the same arrays back and allocates none.
     */
    int[] shape(int d0) {
        int[] s = nextShape(1);
        if (s != null && s[0] == d0) {
            return s;
        }
        return keepShape(new int[] {d0});
    }

    /** The shape [d0, d1], kept as {@link #shape(int)} keeps it. */
    int[] shape(int d0, int d1) {
        int[] s = nextShape(2);
        if (s != null && s[0] == d0 && s[1] == d1) {
            return s;
        }
        return keepShape(new int[] {d0, d1});
    }

    /** The shape [lead, …rest], kept as {@link #shape(int)} keeps it. */
    int[] shape(int lead, int[] rest) {
        int[] s = nextShape(rest.length + 1);
        if (s != null && s[0] == lead && Arrays.equals(s, 1, s.length, rest, 0, rest.length)) {
            return s;
        }
        int[] fresh = new int[rest.length + 1];
        fresh[0] = lead;
        System.arraycopy(rest, 0, fresh, 1, rest.length);
        return keepShape(fresh);
    }

    /** The kept shape at the cursor when it has the given rank (the cursor moves on either way), else null. */
    private int[] nextShape(int rank) {
        int i = shapeCursor++;
        if (i < shapes.size()) {
            int[] s = shapes.get(i);
            return s.length == rank ? s : null;
        }
        return null;
    }

    private int[] keepShape(int[] s) {
        int i = shapeCursor - 1;
        if (i < shapes.size()) {
            shapes.set(i, s);
        } else {
            shapes.add(s);
        }
        return s;
    }

    /** Scratch memory that lives until {@link #reset()}. */
    double[] scratch(int length) {
        return pool.take(length);
    }

    /** Scratch memory filled with zeros. */
    double[] scratchZeroed(int length) {
        return pool.takeZeroed(length);
    }

    /**
     * Records the adjoint rule of an op whose result needs an adjoint. The rule adds into each input's
     * adjoint after {@link #addingTo} (or overwrites it all after a successful {@link #claimAdjoint}).
     */
    void record(Var out, Backward b) {
        if (out.g != null) {
            steps.add(b);
            stepOutputs.add(out);
        }
    }

    /**
     * Before adding into x's adjoint and its tangent: zeroes whichever of them nothing has been written
     * to yet in this backward pass. Nothing to do for a value without an adjoint.
     */
    void addingTo(Var x) {
        Var r = x.root;
        if (r.gPending) {
            Arrays.fill(r.g, r.off, r.off + r.size, 0.0);
            r.gPending = false;
        }
        if (r.gtPending) {
            Arrays.fill(r.gt, r.off, r.off + r.size, 0.0);
            r.gtPending = false;
        }
    }

    /**
     * True when nothing has been written to x's adjoint yet: the caller then writes every element of it
     * (a product with β = 0, say) instead of adding. Either way the adjoint counts as written afterwards.
     */
    boolean claimAdjoint(Var x) {
        Var r = x.root;
        boolean pending = r.gPending;
        r.gPending = false;
        return pending;
    }

    /** As {@link #claimAdjoint} for the adjoint's tangent. */
    boolean claimAdjointTangent(Var x) {
        Var r = x.root;
        boolean pending = r.gtPending;
        r.gtPending = false;
        return pending;
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
        addingTo(loss);
        loss.g[loss.off] = 1.0;
        for (int i = steps.size() - 1; i >= 0; i--) {
            // A result no op wrote an adjoint to does not lead to the loss: its adjoint is zero.
            addingTo(stepOutputs.get(i));
            steps.get(i).run();
        }
        for (int i = 0; i < leaves.size(); i++) {
            addingTo(leaves.get(i));
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
