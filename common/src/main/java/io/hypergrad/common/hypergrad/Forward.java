package io.hypergrad.common.hypergrad;

import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.nn.Batch;

/**
 * {@code forward}: exact forward-mode hypergradients, Z_t = A_t·Z_{t−1} + B_t with one tangent state per
 * hyperparameter (Z = dz_t/dλ). Online and exact at every step, but H sweeps per step and O(H·|z|)
 * memory: for small λ (learning rates, weight decays), not for layers of λ.
 */
public final class Forward extends AbstractEstimator {
    /** Refuses λ larger than this: forward mode would cost that many sweeps per step. */
    public static final int MAX_HYPER = 4096;
    private InnerState[] tangents;

    @Override
    public String name() {
        return "forward";
    }

    @Override
    public void begin(Bilevel problem, double[] lambda, InnerState z0) {
        super.begin(problem, lambda, z0);
        int h = problem.hyperSize();
        if (h > MAX_HYPER) {
            throw new IllegalArgumentException("forward mode needs one sweep per hyperparameter per step; |λ| = " + h
                    + " exceeds " + MAX_HYPER + " — use reverse or an online approximation");
        }
        tangents = new InnerState[h];
        for (int j = 0; j < h; j++) {
            tangents[j] = z0.zerosLike();
        }
    }

    @Override
    public double[] observe(InnerState zPrev, Batch batch, InnerState z) {
        advance(zPrev, batch, z);
        return estimate();
    }

    /**
     * Carries the tangents over one inner step (H JVPs) without the validation gradient an estimate costs:
     * for {@link WindowLocal}, which estimates only at every S-th step.
     */
    void advance(InnerState zPrev, Batch batch, InnerState z) {
        requireBegun();
        int h = tangents.length;
        double[] e = new double[h];
        for (int j = 0; j < h; j++) {
            e[j] = 1.0;
            tangents[j] = problem.optimizer().jvp(zPrev, lambda, batch, tangents[j], e, problem.train());
            e[j] = 0.0;
        }
        last = z;
    }

    @Override
    public double[] estimate() {
        requireBegun();
        Bilevel.ValGradient vg = problem.valGradient(last.w, lambda);
        double[] out = vg.fo().clone();
        double[] alpha = vg.alpha();
        for (int j = 0; j < tangents.length; j++) {
            double s = 0;
            double[] zw = tangents[j].w;
            for (int i = 0; i < alpha.length; i++) {
                s += alpha[i] * zw[i];
            }
            out[j] += s;
        }
        return out;
    }

    @Override
    public boolean online() {
        return true;
    }
}
