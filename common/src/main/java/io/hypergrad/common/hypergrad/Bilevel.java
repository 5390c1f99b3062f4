package io.hypergrad.common.hypergrad;

import io.hypergrad.common.inner.InnerOptimizer;
import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.inner.Loss;
import io.hypergrad.common.inner.SweepResult;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.Role;

/**
 * One task's bilevel problem: the training loss the inner optimiser descends, the validation loss whose
 * hypergradient is wanted, the optimiser, and the validation data. λ is laid out as the model's λ
 * tensors followed by the optimiser's hyperparameters. Not thread-safe (the losses reuse buffers).
 *
 * @param train     L_train(w, λ; D)
 * @param val       L_val(w, λ; D_val)
 * @param optimizer the inner update map Φ
 * @param valBatch  the validation data
 */
public record Bilevel(Loss train, Loss val, InnerOptimizer optimizer, Batch valBatch) {

    /** |λ|: the model's λ tensors plus the optimiser's hyperparameters. */
    public int hyperSize() {
        return modelHyperSize() + optimizer.hyperSize();
    }

    /** The number of the model's λ entries (the optimiser's start after them). */
    public int modelHyperSize() {
        return train.layout().size(Role.HYPER);
    }

    /** |w|. */
    public int innerSize() {
        return train.layout().size(Role.INNER);
    }

    /**
     * The validation loss at w with α = ∂_w L_val and g^FO = ∂_λ L_val (zero on the optimiser's
     * hyperparameters, which L_val does not see directly).
     */
    public ValGradient valGradient(double[] w, double[] lambda) {
        SweepResult r = val.sweep(w, null, InnerOptimizer.modelLambda(lambda, train), valBatch);
        double[] fo = new double[hyperSize()];
        System.arraycopy(r.gradLambda, 0, fo, 0, r.gradLambda.length);
        return new ValGradient(r.loss, r.gradW.clone(), fo);
    }

    /** The adjoint seed of z_T for L_val: α on w, zero on the optimiser's buffers. */
    public static InnerState seed(InnerState zT, double[] alpha) {
        InnerState a = zT.zerosLike();
        System.arraycopy(alpha, 0, a.w, 0, alpha.length);
        return a;
    }

    /**
     * L_val at a point with its two gradients.
     *
     * @param loss  L_val(w, λ)
     * @param alpha ∂_w L_val
     * @param fo    ∂_λ L_val over the full λ (g^FO)
     */
    public record ValGradient(double loss, double[] alpha, double[] fo) {}
}
