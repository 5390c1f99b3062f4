package io.hypergrad.common.inner;

import io.hypergrad.common.autodiff.Tape;
import io.hypergrad.common.autodiff.Var;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.Bound;
import io.hypergrad.common.nn.ParamLayout;
import io.hypergrad.common.nn.Role;

/**
 * An objective over a parameter layout, evaluated by sweeps: the one primitive every hypergradient
 * estimator is built from. A sweep with a tangent u on w returns, from one forward-over-reverse pass,
 * ∇_w L, ∇_λ L, H_ww·u and H_λw·u — one "JVP" in the papers' accounting.
 *
 * <p>Not thread-safe: it reuses one tape and one result buffer. Use one per thread.
 */
public final class Loss {
    private final ParamLayout layout;
    private final Objective objective;
    private final Tape tape = new Tape();
    private final SweepResult result;
    private final Bound bound;
    private long jvps;
    private long gradients;

    public Loss(ParamLayout layout, Objective objective) {
        this.layout = layout;
        this.objective = objective;
        this.result = new SweepResult(layout.size(Role.INNER), layout.size(Role.HYPER));
        this.bound = new Bound(layout);
    }

    /** The layout of w and the model's λ. */
    public ParamLayout layout() {
        return layout;
    }

    /**
     * One sweep at (w, λ) on the batch. With {@code u} non-null it is forward-over-reverse and fills the
     * Hessian-vector products too; with {@code u} null it is plain reverse mode.
     *
     * @param lambdaModel the model's λ tensors (length {@code layout.size(HYPER)}), not the optimiser's
     */
    public SweepResult sweep(double[] w, double[] u, double[] lambdaModel, Batch batch) {
        return sweep(w, u, lambdaModel, null, batch);
    }

    /**
     * One sweep with tangents on both blocks: then hvpW = H_ww·u + H_wλ·uλ and
     * hvpLambda = H_λw·u + H_λλ·uλ. A null tangent is zero; with both null it is plain reverse mode.
     */
    public SweepResult sweep(double[] w, double[] u, double[] lambdaModel, double[] uLambda, Batch batch) {
        boolean tangent = u != null || uLambda != null;
        tape.reset();
        // The leaves view w and λ, and the backward pass writes their adjoints straight into the result.
        bound.bind(tape, w, u, lambdaModel, uLambda, result.gradW, result.gradLambda, result.hvpW, result.hvpLambda);
        Var loss = objective.loss(tape, bound, batch);
        tape.backward(loss);
        result.loss = loss.item();
        if (tangent) {
            jvps++;
        } else {
            gradients++;
        }
        FaultInjection.apply(result, tangent);
        return result;
    }

    /** The loss of the last sweep (the inner update's, right after an update). */
    public double lastLoss() {
        return result.loss;
    }

    /** The loss alone (a forward pass). */
    public double value(double[] w, double[] lambdaModel, Batch batch) {
        tape.reset();
        return objective.loss(tape, bound.bind(tape, w, null, lambdaModel, null, null, null, null, null), batch).item();
    }

    /** Sweeps with a tangent so far. */
    public long jvps() {
        return jvps;
    }

    /** Plain gradient sweeps so far. */
    public long gradients() {
        return gradients;
    }
}
