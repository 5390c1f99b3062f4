package io.hypergrad.common.outer;

/**
 * Scales the incoming vector to global L2 norm at most c: g·c/‖g‖ when ‖g‖ &gt; c, else g unchanged
 * (Optax {@code clip_by_global_norm}; unlike PyTorch no 1e-6 is added to the norm, so a vector at the
 * threshold passes bit for bit). Stateless; place it before an optimiser in a chain.
 */
final class ClipByGlobalNorm implements OuterOptimizer {
    private final double maxNorm;

    ClipByGlobalNorm(double maxNorm) {
        if (!(maxNorm > 0) || Double.isInfinite(maxNorm)) {
            throw new IllegalArgumentException("max norm must be finite and > 0, got " + maxNorm);
        }
        this.maxNorm = maxNorm;
    }

    @Override
    public OptimizerState init(double[] params) {
        return new OptimizerState(0, new double[0][]);
    }

    @Override
    public Update update(double[] grad, OptimizerState state, double[] params) {
        Checks.sameLength(grad, params);
        state.requireShape(0, params.length, "clip-by-global-norm");
        double norm = Checks.l2Norm(grad);
        double[] out = grad.clone();
        if (norm > maxNorm) {
            double scale = maxNorm / norm;
            for (int i = 0; i < out.length; i++) {
                out[i] *= scale;
            }
        }
        return new Update(out, new OptimizerState(state.step() + 1, new double[0][]));
    }

    @Override
    public int stateSlots() {
        return 0;
    }
}
