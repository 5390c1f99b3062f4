package io.hypergrad.common.outer;

/** Plain SGD: delta = −lr(step)·g. No state slots. */
final class Sgd implements OuterOptimizer {
    private final Schedule lr;

    Sgd(Schedule lr) {
        this.lr = lr;
    }

    @Override
    public OptimizerState init(double[] params) {
        return new OptimizerState(0, new double[0][]);
    }

    @Override
    public Update update(double[] grad, OptimizerState state, double[] params) {
        Checks.sameLength(grad, params);
        state.requireShape(0, params.length, "sgd");
        double rate = lr.at(state.step());
        double[] delta = new double[grad.length];
        for (int i = 0; i < delta.length; i++) {
            delta[i] = -rate * grad[i];
        }
        return new Update(delta, new OptimizerState(state.step() + 1, new double[0][]));
    }

    @Override
    public int stateSlots() {
        return 0;
    }
}
