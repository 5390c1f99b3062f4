package io.hypergrad.common.outer;

/**
 * SGD with heavy-ball momentum in the PyTorch convention (dampening 0, no Nesterov):
 * m ← μ·m + g, delta = −lr(step)·m. One slot: m, zero after init (so the first m is g exactly,
 * as PyTorch's first-step buffer copy).
 */
final class SgdMomentum implements OuterOptimizer {
    private final Schedule lr;
    private final double momentum;

    SgdMomentum(Schedule lr, double momentum) {
        if (!(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        this.lr = lr;
        this.momentum = momentum;
    }

    @Override
    public OptimizerState init(double[] params) {
        return new OptimizerState(0, new double[][] {new double[params.length]});
    }

    @Override
    public Update update(double[] grad, OptimizerState state, double[] params) {
        Checks.sameLength(grad, params);
        state.requireShape(1, params.length, "sgd-momentum");
        double rate = lr.at(state.step());
        double[] m = state.view(0);
        double[] mNew = new double[m.length];
        double[] delta = new double[m.length];
        for (int i = 0; i < m.length; i++) {
            mNew[i] = momentum * m[i] + grad[i];
            delta[i] = -rate * mNew[i];
        }
        return new Update(delta, new OptimizerState(state.step() + 1, new double[][] {mNew}));
    }

    @Override
    public int stateSlots() {
        return 1;
    }
}
