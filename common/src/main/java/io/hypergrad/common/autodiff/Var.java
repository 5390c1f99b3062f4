package io.hypergrad.common.autodiff;

import java.util.Arrays;

/**
 * A value on a {@link Tape}: a row-major tensor with its primal {@link #v}, an optional tangent
 * {@link #t} (the directional derivative along the tape's tangent, {@code null} meaning zero), and,
 * after {@link Tape#backward}, its adjoint {@link #g} and the adjoint's tangent {@link #gt}.
 *
 * <p>The tensor's elements start at {@link #offset()} in each of these arrays: 0 for op results, the
 * tensor's place in the flat vector for a parameter leaf that views it ({@link Tape#view}). Arrays of op
 * results belong to the tape and are recycled by {@link Tape#reset()}: copy out what must outlive it.
 */
public final class Var {
    final Tape tape;
    final int[] shape;
    final int size;
    /** Index of the tensor's first element in {@link #v}, {@link #t}, {@link #g} and {@link #gt}. */
    final int off;
    /** Primal value, row-major. */
    public final double[] v;
    /** Tangent of the value, or {@code null} when it does not depend on the tangent direction. */
    public final double[] t;
    /** Adjoint (∂loss/∂this), or {@code null} when this value does not depend on any parameter. */
    public final double[] g;
    /** Tangent of the adjoint, present in tangent mode for every value that has an adjoint. */
    public final double[] gt;
    /** The value whose adjoint buffers this one shares: itself, or the value a reshape views. */
    final Var root;
    /**
     * Set on a root while nothing has been written to its adjoint (or its tangent) in the backward pass:
     * the buffer then holds stale data, and the first op to write there overwrites it instead of adding
     * ({@link Tape#claimAdjoint}) or zeroes it first ({@link Tape#addingTo}). No buffer is zero-filled
     * in advance.
     */
    boolean gPending;
    boolean gtPending;

    Var(Tape tape, int[] shape, double[] v, double[] t, double[] g, double[] gt) {
        this(tape, shape, v, t, g, gt, 0);
    }

    Var(Tape tape, int[] shape, double[] v, double[] t, double[] g, double[] gt, int off) {
        this(tape, shape, v, t, g, gt, off, null);
    }

    /** A value sharing the buffers of {@code root} (a reshape), or a root of its own when that is null. */
    Var(Tape tape, int[] shape, double[] v, double[] t, double[] g, double[] gt, int off, Var root) {
        this.root = root == null ? this : root.root;
        this.gPending = root == null && g != null;
        this.gtPending = root == null && gt != null;
        this.tape = tape;
        this.shape = shape;
        this.size = Tape.sizeOf(shape);
        this.off = off;
        this.v = v;
        this.t = t;
        this.g = g;
        this.gt = gt;
    }

    /** The tape this value was recorded on. */
    public Tape tape() {
        return tape;
    }

    /** A copy of the shape. */
    public int[] shape() {
        return shape.clone();
    }

    /** Extent of dimension {@code i}. */
    public int dim(int i) {
        return shape[i];
    }

    /** Index of the first element in the arrays {@link #v}, {@link #t}, {@link #g} and {@link #gt}. */
    public int offset() {
        return off;
    }

    /**
     * Whether every array holds exactly this tensor from index 0, as every op result does; a view into
     * a longer flat vector does not.
     */
    boolean contiguous() {
        return off == 0 && v.length == size && (t == null || t.length == size) && (g == null || g.length == size)
                && (gt == null || gt.length == size);
    }

    /** Number of dimensions. */
    public int rank() {
        return shape.length;
    }

    /** Number of elements. */
    public int size() {
        return size;
    }

    /** Whether an adjoint flows back into this value. */
    public boolean requiresGrad() {
        return g != null;
    }

    /** Whether this value carries a tangent. */
    public boolean hasTangent() {
        return t != null;
    }

    /** The scalar value of a one-element tensor. */
    public double item() {
        if (size != 1) {
            throw new IllegalStateException("item() on a tensor of shape " + Arrays.toString(shape));
        }
        return v[off];
    }

    @Override
    public String toString() {
        return "Var" + Arrays.toString(shape) + (t != null ? "+tangent" : "") + (g != null ? "+grad" : "");
    }
}
