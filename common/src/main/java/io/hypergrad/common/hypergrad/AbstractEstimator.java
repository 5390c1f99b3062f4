package io.hypergrad.common.hypergrad;

import io.hypergrad.common.inner.InnerState;

/** Shared bookkeeping: the problem, λ, the last state, and JVPs counted from the training loss's sweeps. */
abstract class AbstractEstimator implements HypergradientEstimator {
    protected Bilevel problem;
    protected double[] lambda;
    protected InnerState last;
    private long jvpsAtBegin;

    @Override
    public void begin(Bilevel problem, double[] lambda, InnerState z0) {
        if (lambda.length != problem.hyperSize()) {
            throw new IllegalArgumentException("λ has length " + lambda.length + ", the problem has " + problem.hyperSize());
        }
        this.problem = problem;
        this.lambda = lambda.clone();
        this.last = z0;
        this.jvpsAtBegin = problem.train().jvps();
    }

    @Override
    public long jvps() {
        return problem == null ? 0 : problem.train().jvps() - jvpsAtBegin;
    }

    protected void requireBegun() {
        if (problem == null) {
            throw new IllegalStateException(name() + ": begin() an episode first");
        }
    }

    /** fo + the λ-adjoint of one VJP through the step z_{t−1} → z_t seeded with α on w_t. */
    protected double[] throughLastStep(InnerState zPrev, io.hypergrad.common.nn.Batch batch, InnerState z,
                                       Bilevel.ValGradient vg) {
        double[] h = vg.fo().clone();
        problem.optimizer().vjp(zPrev, lambda, batch, Bilevel.seed(z, vg.alpha()), problem.train(), h);
        return h;
    }
}
