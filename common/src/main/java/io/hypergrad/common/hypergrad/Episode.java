package io.hypergrad.common.hypergrad;

import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.nn.Batch;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;

/**
 * Runs inner steps of one task and hands each to an estimator: the loop every caller (the command line,
 * the workers, the experiments) shares.
 */
public final class Episode {
    private Episode() {}

    /**
     * What a window of steps produced.
     *
     * @param state      z after the last step
     * @param trajectory the online estimates of each step (empty for offline estimators)
     */
    public record Window(InnerState state, List<double[]> trajectory) {}

    /**
     * Runs steps t = z.step+1 … z.step+steps, with D_t = {@code batches.apply(t)} (1-based), feeding the
     * estimator, which must already have begun the episode.
     */
    public static Window run(Bilevel problem, double[] lambda, InnerState z, int steps, IntFunction<Batch> batches,
                             HypergradientEstimator estimator) {
        List<double[]> trajectory = new ArrayList<>();
        InnerState cur = z;
        for (int k = 0; k < steps; k++) {
            Batch b = batches.apply(cur.step + 1);
            InnerState next = problem.optimizer().update(cur, lambda, b, problem.train());
            double[] h = estimator.observe(cur, b, next);
            if (h != null) {
                trajectory.add(h);
            }
            cur = next;
        }
        return new Window(cur, trajectory);
    }

    /**
     * Begins the estimator at z_0, runs a whole episode of T steps and returns the hypergradient at z_T:
     * an online estimator's last estimate, or an offline one's {@code estimate()}.
     */
    public static double[] hypergradient(Bilevel problem, double[] lambda, InnerState z0, int steps,
                                         IntFunction<Batch> batches, HypergradientEstimator estimator) {
        estimator.begin(problem, lambda, z0);
        Window w = run(problem, lambda, z0, steps, batches, estimator);
        return estimator.online() && !w.trajectory().isEmpty() ? w.trajectory().get(w.trajectory().size() - 1) : estimator.estimate();
    }
}
