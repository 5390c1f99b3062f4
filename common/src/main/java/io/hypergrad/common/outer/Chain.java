package io.hypergrad.common.outer;

import java.util.List;

/**
 * Applies transformations in order, each to the output of the previous one (Optax {@code chain}).
 * The state is the concatenation of the children's slots; all children share the chain's step.
 */
final class Chain implements OuterOptimizer {
    private final List<OuterOptimizer> parts;
    private final int slots;

    Chain(List<OuterOptimizer> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("a chain needs at least one transformation");
        }
        this.parts = List.copyOf(parts);
        this.slots = this.parts.stream().mapToInt(OuterOptimizer::stateSlots).sum();
    }

    @Override
    public OptimizerState init(double[] params) {
        double[][] all = new double[slots][];
        int at = 0;
        for (OuterOptimizer p : parts) {
            OptimizerState s = p.init(params);
            for (int i = 0; i < s.slotCount(); i++) {
                all[at++] = s.view(i);
            }
        }
        return new OptimizerState(0, all);
    }

    @Override
    public Update update(double[] grad, OptimizerState state, double[] params) {
        state.requireShape(slots, -1, "chain");
        double[][] all = new double[slots][];
        double[] current = grad;
        int at = 0;
        for (OuterOptimizer p : parts) {
            int n = p.stateSlots();
            Update u = p.update(current, state.sub(state.step(), at, n), params);
            for (int i = 0; i < n; i++) {
                all[at + i] = u.state().view(i);
            }
            current = u.delta();
            at += n;
        }
        return new Update(current, new OptimizerState(state.step() + 1, all));
    }


    @Override
    public int stateSlots() {
        return slots;
    }
}
