package io.hypergrad.common.hypergrad;

import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.nn.Batch;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Reverse-mode hypergradients through the optimiser's whole state z = (w, buffers): {@code reverse}
 * through every step of the episode (exact), or {@code truncated(K)} through the last K steps with
 * z_{T−K} held constant. Offline: the backward sweep runs when {@link #estimate()} is called.
 *
 * <p>Memory: the states of the steps it may go back through — O(K·|z|), or O(T·|z|) for reverse. With
 * checkpointing (reverse only) it keeps every c-th state and recomputes each segment during the backward
 * sweep: O((T/c + c)·|z|), O(√T·|z|) at c = √T, for one extra forward pass; the recomputed states are
 * bitwise those of the forward pass, so the result is bitwise that of plain reverse.
 */
public final class Reverse extends AbstractEstimator {
    private final int window;
    private final int checkpointEvery;
    private final Deque<Step> steps = new ArrayDeque<>();
    private final List<Batch> batches = new ArrayList<>();
    private final List<InnerState> checkpoints = new ArrayList<>();
    private int firstStep;

    private record Step(InnerState zPrev, Batch batch) {}

    private Reverse(int window, int checkpointEvery) {
        if (window < 1) {
            throw new IllegalArgumentException("truncation window must be ≥ 1, got " + window);
        }
        if (checkpointEvery < 0) {
            throw new IllegalArgumentException("checkpoint interval must be ≥ 0, got " + checkpointEvery);
        }
        this.window = window;
        this.checkpointEvery = checkpointEvery;
    }

    /** Exact reverse mode through every step, storing every state. */
    public static Reverse full() {
        return new Reverse(Integer.MAX_VALUE, 0);
    }

    /** Exact reverse mode keeping every {@code every}-th state and recomputing segments (e.g. every = √T). */
    public static Reverse checkpointed(int every) {
        if (every < 1) {
            throw new IllegalArgumentException("checkpoint interval must be ≥ 1, got " + every);
        }
        return new Reverse(Integer.MAX_VALUE, every);
    }

    /** Reverse mode through the last K steps. */
    public static Reverse truncated(int k) {
        return new Reverse(k, 0);
    }

    @Override
    public String name() {
        if (window != Integer.MAX_VALUE) {
            return "truncated(" + window + ")";
        }
        return checkpointEvery > 0 ? "reverse(checkpoint every " + checkpointEvery + ")" : "reverse";
    }

    @Override
    public void begin(Bilevel problem, double[] lambda, InnerState z0) {
        super.begin(problem, lambda, z0);
        steps.clear();
        batches.clear();
        checkpoints.clear();
        firstStep = z0.step;
    }

    @Override
    public double[] observe(InnerState zPrev, Batch batch, InnerState z) {
        requireBegun();
        if (checkpointEvery > 0) {
            if ((zPrev.step - firstStep) % checkpointEvery == 0) {
                checkpoints.add(zPrev);
            }
            batches.add(batch);
        } else {
            steps.addLast(new Step(zPrev, batch));
            if (steps.size() > window) {
                steps.removeFirst();
            }
        }
        last = z;
        return null;
    }

    @Override
    public double[] estimate() {
        requireBegun();
        Bilevel.ValGradient vg = problem.valGradient(last.w, lambda);
        double[] h = vg.fo().clone();
        InnerState adj = Bilevel.seed(last, vg.alpha());
        if (checkpointEvery == 0) {
            var it = steps.descendingIterator();
            while (it.hasNext()) {
                Step s = it.next();
                adj = problem.optimizer().vjp(s.zPrev(), lambda, s.batch(), adj, problem.train(), h);
            }
            return h;
        }
        int total = batches.size();
        for (int seg = checkpoints.size() - 1; seg >= 0; seg--) {
            int from = seg * checkpointEvery;
            int to = Math.min(total, from + checkpointEvery);
            List<InnerState> states = new ArrayList<>(to - from);
            InnerState z = checkpoints.get(seg);
            for (int i = from; i < to; i++) {
                states.add(z);
                if (i + 1 < to) {
                    z = problem.optimizer().update(z, lambda, batches.get(i), problem.train());
                }
            }
            for (int i = to - 1; i >= from; i--) {
                adj = problem.optimizer().vjp(states.get(i - from), lambda, batches.get(i), adj, problem.train(), h);
            }
        }
        return h;
    }

    @Override
    public boolean online() {
        return false;
    }

    @Override
    public String approximation() {
        return window == Integer.MAX_VALUE ? "" : "z_{T−" + window + "} is held constant";
    }
}
