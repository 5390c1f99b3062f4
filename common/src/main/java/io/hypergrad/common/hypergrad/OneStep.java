package io.hypergrad.common.hypergrad;

import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.nn.Batch;

/**
 * {@code one-step} (greedy, Luketina et al. 2016): g^FO_t + α_t·B_t at (z_{t−1}, D_t), the exact
 * hypergradient through the last step with z_{t−1} held constant. One JVP per step.
 */
public final class OneStep extends AbstractEstimator {
    @Override
    public String name() {
        return "one-step";
    }

    @Override
    public double[] observe(InnerState zPrev, Batch batch, InnerState z) {
        requireBegun();
        last = z;
        return throughLastStep(zPrev, batch, z, problem.valGradient(z.w, lambda));
    }

    @Override
    public double[] estimate() {
        throw new IllegalStateException("one-step is online: use the estimate observe() returned for the last step");
    }

    @Override
    public boolean online() {
        return true;
    }

    @Override
    public String approximation() {
        return "differentiates through the last step only: z_{t−1} is held constant";
    }
}
