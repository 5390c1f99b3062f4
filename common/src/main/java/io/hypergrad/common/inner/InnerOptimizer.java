package io.hypergrad.common.inner;

import io.hypergrad.common.nn.Batch;

/**
 * An inner optimiser as a differentiable update map z_t = Φ(z_{t−1}, λ; D_t) with explicit state, in the
 * style of an {@code init}/{@code update} pair, plus the vector-Jacobian products every hypergradient
 * estimator is built from.
 *
 * <p>λ is the full hyperparameter vector: the model's λ tensors first (length
 * {@code loss.layout().size(HYPER)}), then this optimiser's own hyperparameters ({@link #hyperSize()}).
 */
public interface InnerOptimizer {
    /** How many optimiser hyperparameters are appended to λ (0 when all are constants). */
    int hyperSize();

    /** Writes the initial values of the optimiser's hyperparameters into {@code lambda[off, off + hyperSize)}. */
    void initialiseHyper(double[] lambda, int off);

    /** Every hyperparameter of the optimiser as a hook, constants included, in λ order. */
    java.util.List<HyperHook> settings();

    /**
     * The weight decay wd the update adds to the gradient (g = ∇_w L + wd·w) when it is one constant for
     * every parameter, else NaN (a hook in λ, or per-parameter values). The update's fixed points solve
     * ∇_w L + wd·w = 0, so the implicit function theorem differentiates that, with Jacobian H_ww + wd·I.
     */
    default double constantWeightDecay() {
        for (HyperHook h : settings()) {
            if (h.name().equals("weightDecay")) {
                return h.isConstant() ? h.constantValue() : Double.NaN;
            }
        }
        return Double.NaN;
    }

    /** The hooks that live in λ, in order. */
    default java.util.List<HyperHook> hooks() {
        return settings().stream().filter(h -> !h.isConstant()).toList();
    }

    /** z_0 for initial weights w_0 (buffers at zero). */
    InnerState init(double[] w0);

    /** One update: z_t = Φ(z_{t−1}, λ; D_t). The loss at z_{t−1} is left in {@code loss}'s last sweep. */
    InnerState update(InnerState z, double[] lambda, Batch batch, Loss loss);

    /**
     * The vector-Jacobian products of one update: given ā on z_t, returns ā·∂Φ/∂z_{t−1} and adds
     * ā·∂Φ/∂λ into {@code lambdaAdjoint} (full λ length). Costs one forward-over-reverse sweep of the
     * training loss at (w_{t−1}, λ; D_t).
     */
    InnerState vjp(InnerState zPrev, double[] lambda, Batch batch, InnerState adjoint, Loss loss, double[] lambdaAdjoint);

    /**
     * Forward mode: the tangent of z_t given a tangent ż of z_{t−1} and λ̇ of λ,
     * ∂Φ/∂z·ż + ∂Φ/∂λ·λ̇. Costs one forward-over-reverse sweep with tangents on w and on the model's λ.
     */
    InnerState jvp(InnerState zPrev, double[] lambda, Batch batch, InnerState zTangent, double[] lambdaTangent, Loss loss);

    /** The number of the loss's model λ entries; optimiser hyperparameters start there. */
    static int modelHyperSize(Loss loss) {
        return loss.layout().size(io.hypergrad.common.nn.Role.HYPER);
    }

    /** The model's λ tensors: the first part of the full λ. */
    static double[] modelLambda(double[] lambda, Loss loss) {
        int h = modelHyperSize(loss);
        return h == lambda.length ? lambda : java.util.Arrays.copyOf(lambda, h);
    }
}
