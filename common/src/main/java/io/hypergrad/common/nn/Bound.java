package io.hypergrad.common.nn;

import io.hypergrad.common.autodiff.Tape;
import io.hypergrad.common.autodiff.Var;
import java.util.List;

/**
 * The parameter leaves of one recording, by name. Each leaf views its tensor's slice of the flat w or λ
 * in place ({@link Tape#view}), and the tape's backward pass writes its adjoint straight into the flat
 * gradient given to {@link #bind}: nothing is copied in, zero-filled or gathered out. A binding is reused: rebinding
 * it for the next recording of the same tape allocates nothing but the leaves themselves.
 */
public final class Bound {
    private final ParamLayout layout;
    private final Var[] leaves;

    /** An empty binding for the layout; {@link #bind} records its leaves. */
    public Bound(ParamLayout layout) {
        this.layout = layout;
        this.leaves = new Var[layout.entries().size()];
    }

    /**
     * Records every tensor of the layout as a leaf on {@code tape} (right after {@link Tape#reset()}):
     * INNER tensors view {@code w} (and {@code wTangent} when non-null), HYPER tensors view {@code lambda}
     * (and {@code lambdaTangent}). With a tangent on either block the tape is in tangent mode.
     *
     * <p>Backward writes ∇_w L into {@code gradW} and ∇_λ L into {@code gradLambda} and, in tangent mode,
     * the gradient's tangent (the Hessian-vector product) into {@code hvpW} and {@code hvpLambda}, which
     * must then be given; whatever they held before is overwritten. With {@code gradW} and {@code gradLambda} null the
     * leaves have no adjoint: a forward pass.
     *
     * @return this binding
     */
    public Bound bind(Tape tape, double[] w, double[] wTangent, double[] lambda, double[] lambdaTangent,
                      double[] gradW, double[] gradLambda, double[] hvpW, double[] hvpLambda) {
        int inner = layout.size(Role.INNER);
        int hyper = layout.size(Role.HYPER);
        checkLength("w", w, inner);
        checkLength("λ", lambda, hyper);
        checkOptionalLength("tangent", wTangent, inner);
        checkOptionalLength("λ tangent", lambdaTangent, hyper);
        checkOptionalLength("gradient", gradW, inner);
        checkOptionalLength("λ gradient", gradLambda, hyper);
        boolean tangent = wTangent != null || lambdaTangent != null;
        tape.setTangentMode(tangent);
        List<ParamLayout.Entry> es = layout.entries();
        for (int k = 0; k < leaves.length; k++) {
            ParamLayout.Entry e = es.get(k);
            int[] shape = layout.shape(k);
            leaves[k] = e.role() == Role.INNER
                    ? tape.view(w, wTangent, gradW, tangent ? hvpW : null, e.offset(), shape)
                    : tape.view(lambda, lambdaTangent, gradLambda, tangent ? hvpLambda : null, e.offset(), shape);
        }
        return this;
    }

    /** The leaf of a tensor by full name ({@code group/local}). */
    public Var get(String name) {
        return leaves[layout.indexOf(name)];
    }

    /** The leaf of the tensor {@code local} of the layer {@code group}; a layer's lookup, allocation-free. */
    public Var get(String group, String local) {
        return leaves[layout.indexOf(group, local)];
    }

    /** The layout this binding follows. */
    public ParamLayout layout() {
        return layout;
    }

    private static void checkLength(String what, double[] a, int n) {
        if (a == null ? n != 0 : a.length != n) {
            throw new IllegalArgumentException(what + " has length " + (a == null ? "null" : a.length) + ", the layout needs " + n);
        }
    }

    private static void checkOptionalLength(String what, double[] a, int n) {
        if (a != null) {
            checkLength(what, a, n);
        }
    }
}
