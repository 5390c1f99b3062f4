package io.hypergrad.common.outer;

import java.util.Objects;
import java.util.function.Consumer;

/**
 * Wraps an optimiser and inspects every incoming hypergradient for NaN and ±∞ before it can reach
 * the optimiser state (where one NaN would poison Adam's moments for good).
 *
 * <p>Policy ({@link NonFinitePolicy}): FAIL throws {@link NonFiniteException}; SKIP returns a zero
 * delta and keeps the inner state and the step as they were; CLIP sanitises the vector (NaN → 0,
 * ±∞ → ±limit) and updates. SKIP and CLIP are counted in the guard's own state slot — so the counts
 * are checkpointed with the optimiser — and reported to an optional listener (e.g. the driver's
 * log/metrics). Only the incoming vector is checked, not the delta the inner optimiser returns.
 *
 * <p>State layout: slot 0 = counters {skipped updates, clipped updates, clipped values}, then the
 * inner optimiser's slots. Use this guard outermost and read the counters with {@link #counts}.
 */
public final class NonFiniteGuard implements OuterOptimizer {
    private final OuterOptimizer inner;
    private final Blocks blocks;
    private final NonFinitePolicy policy;
    private final double limit;
    private final Consumer<NonFiniteEvent> listener;

    NonFiniteGuard(OuterOptimizer inner, Blocks blocks, NonFinitePolicy policy, double limit,
                   Consumer<NonFiniteEvent> listener) {
        this.inner = Objects.requireNonNull(inner, "inner");
        this.blocks = Objects.requireNonNull(blocks, "blocks");
        this.policy = Objects.requireNonNull(policy, "policy");
        if (policy == NonFinitePolicy.CLIP && (!(limit >= 0) || Double.isInfinite(limit))) {
            throw new IllegalArgumentException("the CLIP policy needs a finite limit >= 0, got " + limit);
        }
        this.limit = limit;
        this.listener = listener == null ? e -> { } : listener;
    }

    /** The same guard reporting SKIP/CLIP events to {@code listener} as well. */
    public NonFiniteGuard withListener(Consumer<NonFiniteEvent> newListener) {
        return new NonFiniteGuard(inner, blocks, policy, limit, newListener);
    }

    /** Counters kept in a guard's state. */
    public record Counts(long skippedUpdates, long clippedUpdates, long clippedValues) {
    }

    /** The counters in a state produced by this guard. */
    public Counts counts(OptimizerState state) {
        double[] c = state.view(0);
        return new Counts((long) c[0], (long) c[1], (long) c[2]);
    }

    @Override
    public OptimizerState init(double[] params) {
        OptimizerState s = inner.init(params);
        double[][] all = new double[1 + s.slotCount()][];
        all[0] = new double[3];
        for (int i = 0; i < s.slotCount(); i++) {
            all[1 + i] = s.view(i);
        }
        return new OptimizerState(0, all);
    }

    @Override
    public Update update(double[] grad, OptimizerState state, double[] params) {
        Checks.sameLength(grad, params);
        state.requireShape(1 + inner.stateSlots(), -1, "non-finite guard");
        int first = -1;
        int count = 0;
        for (int i = 0; i < grad.length; i++) {
            if (!Double.isFinite(grad[i])) {
                if (first < 0) {
                    first = i;
                }
                count++;
            }
        }
        OptimizerState innerState = state.sub(state.step(), 1, inner.stateSlots());
        double[] counters = state.view(0);
        if (first < 0) {
            return wrap(inner.update(grad, innerState, params), counters.clone());
        }
        NonFiniteEvent event = event(state.step(), first, grad[first], count);
        switch (policy) {
            case FAIL:
                throw new NonFiniteException(event);
            case SKIP: {
                listener.accept(event);
                double[] next = counters.clone();
                next[0]++;
                double[][] all = new double[1 + inner.stateSlots()][];
                all[0] = next;
                for (int i = 0; i < inner.stateSlots(); i++) {
                    all[1 + i] = state.view(1 + i);
                }
                return new Update(new double[grad.length], new OptimizerState(state.step(), all));
            }
            case CLIP: {
                listener.accept(event);
                double[] clean = grad.clone();
                for (int i = 0; i < clean.length; i++) {
                    if (Double.isNaN(clean[i])) {
                        clean[i] = 0;
                    } else if (Double.isInfinite(clean[i])) {
                        clean[i] = Math.copySign(limit, clean[i]);
                    }
                }
                double[] next = counters.clone();
                next[1]++;
                next[2] += count;
                return wrap(inner.update(clean, innerState, params), next);
            }
            default:
                throw new AssertionError(policy);
        }
    }

    private NonFiniteEvent event(long step, int index, double value, int count) {
        Block b = blocks.locate(index);
        return b == null
                ? new NonFiniteEvent(step, Blocks.UNNAMED, index, index, value, count, policy)
                : new NonFiniteEvent(step, b.name(), index, index - b.offset(), value, count, policy);
    }

    private Update wrap(Update u, double[] counters) {
        OptimizerState s = u.state();
        double[][] all = new double[1 + s.slotCount()][];
        all[0] = counters;
        for (int i = 0; i < s.slotCount(); i++) {
            all[1 + i] = s.view(i);
        }
        return new Update(u.delta(), new OptimizerState(s.step(), all));
    }

    @Override
    public int stateSlots() {
        return 1 + inner.stateSlots();
    }
}
