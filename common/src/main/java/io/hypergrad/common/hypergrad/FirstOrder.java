package io.hypergrad.common.hypergrad;

import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.nn.Batch;

/** {@code fo}: g^FO = ∂_λ L_val(w_t, λ) with w_t held constant. No JVPs. */
public final class FirstOrder extends AbstractEstimator {
    @Override
    public String name() {
        return "fo";
    }

    @Override
    public double[] observe(InnerState zPrev, Batch batch, InnerState z) {
        requireBegun();
        last = z;
        return problem.valGradient(z.w, lambda).fo();
    }

    @Override
    public double[] estimate() {
        requireBegun();
        return problem.valGradient(last.w, lambda).fo();
    }

    @Override
    public boolean online() {
        return true;
    }

    @Override
    public String approximation() {
        return "drops the second-order term: w_t is treated as independent of λ";
    }
}
