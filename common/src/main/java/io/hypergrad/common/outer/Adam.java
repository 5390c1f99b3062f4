package io.hypergrad.common.outer;

/**
 * Adam (Kingma &amp; Ba) with bias correction and PyTorch's defaults, computed in the operation order
 * of PyTorch's single-tensor {@code torch.optim.Adam} (eps added to the bias-corrected sqrt(v)):
 * <pre>
 * t  = step + 1
 * m  = β1·m + (1 − β1)·g
 * v  = β2·v + (1 − β2)·g²
 * stepSize = lr / (1 − β1^t)
 * denom    = sqrt(v) / sqrt(1 − β2^t) + eps
 * delta    = −stepSize · m / denom
 * </pre>
 * Two slots: m, v. Agreement with PyTorch is to rounding, not bit for bit: the bias corrections
 * 1 − β^t are computed as −expm1(t·ln β), which is accurate where PyTorch's {@code 1 - beta**t}
 * cancels (relative differences up to ~1e-13 in the first steps), and PyTorch ≥ 2.0 writes the m update
 * as {@code lerp}, m + (1 − β1)(g − m).
 */
final class Adam implements OuterOptimizer {
    private final Schedule lr;
    private final double beta1;
    private final double beta2;
    private final double eps;

    Adam(Schedule lr, double beta1, double beta2, double eps) {
        if (!(beta1 >= 0 && beta1 < 1) || !(beta2 >= 0 && beta2 < 1)) {
            throw new IllegalArgumentException("betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        if (!(eps > 0) || Double.isInfinite(eps)) {
            throw new IllegalArgumentException("eps must be finite and > 0, got " + eps);
        }
        this.lr = lr;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
    }

    @Override
    public OptimizerState init(double[] params) {
        return new OptimizerState(0, new double[][] {new double[params.length], new double[params.length]});
    }

    @Override
    public Update update(double[] grad, OptimizerState state, double[] params) {
        Checks.sameLength(grad, params);
        state.requireShape(2, params.length, "adam");
        long t = state.step() + 1;
        double rate = lr.at(state.step());
        double stepSize = rate / oneMinusPower(beta1, t);
        double bc2Sqrt = Math.sqrt(oneMinusPower(beta2, t));
        double[] m = state.view(0);
        double[] v = state.view(1);
        double[] mNew = new double[m.length];
        double[] vNew = new double[m.length];
        double[] delta = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            double g = grad[i];
            mNew[i] = beta1 * m[i] + (1 - beta1) * g;
            vNew[i] = beta2 * v[i] + (1 - beta2) * (g * g);
            double denom = Math.sqrt(vNew[i]) / bc2Sqrt + eps;
            delta[i] = -stepSize * (mNew[i] / denom);
        }
        return new Update(delta, new OptimizerState(t, new double[][] {mNew, vNew}));
    }

    /**
     * 1 − β^t without cancellation: −expm1(t·ln β). Written as {@code 1 - Math.pow(β, t)} (as PyTorch
     * does) it loses about three digits for β2 = 0.999 at small t (1 − 0.998001 at t = 2).
     */
    static double oneMinusPower(double beta, long t) {
        return beta == 0 ? 1.0 : -Math.expm1(t * Math.log(beta));
    }

    @Override
    public int stateSlots() {
        return 2;
    }
}
