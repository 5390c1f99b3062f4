package io.hypergrad.common.hypergrad;

import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.nn.Batch;
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
     * @param state     z after the last step
     * @param estimates the online estimates of each step, as kept (none for offline estimators)
     */
    public record Window(InnerState state, Trajectory estimates, EpisodeFault fault) {
        /** A window that ran to its end. */
        public Window(InnerState state, Trajectory estimates) {
            this(state, estimates, null);
        }

        /** Every online estimate, in step order (a window that kept them all). */
        public List<double[]> trajectory() {
            return estimates.rows();
        }
    }

    /**
     * Runs steps t = z.step+1 … z.step+steps, with D_t = {@code batches.apply(t)} (1-based), feeding the
     * estimator, which must already have begun the episode.
     */
    public static Window run(Bilevel problem, double[] lambda, InnerState z, int steps, IntFunction<Batch> batches,
                             HypergradientEstimator estimator) {
        return loop(problem, lambda, z, steps, batches, estimator, false, Double.POSITIVE_INFINITY, Trajectory.all());
    }

    /**
     * As {@link #run}, but checks every step and stops at the first fault: a non-finite training loss,
     * inner update or hypergradient estimate, or a training loss above {@code divergence} × max(1, the
     * window's first loss). The window then holds the last good state, the estimates before the fault and
     * the fault; the caller's policy decides what the task contributes.
     *
     * @param divergence the divergence factor (∞ turns the explosion check off; non-finite checks stay)
     * @param estimates  where the online estimates go (all of them, or their sum or the last as they come)
     */
    public static Window runGuarded(Bilevel problem, double[] lambda, InnerState z, int steps, IntFunction<Batch> batches,
                                    HypergradientEstimator estimator, double divergence, Trajectory estimates) {
        return loop(problem, lambda, z, steps, batches, estimator, true, divergence, estimates);
    }

    /** The one inner loop: unguarded it only steps and observes; guarded it also checks every step. */
    private static Window loop(Bilevel problem, double[] lambda, InnerState z, int steps, IntFunction<Batch> batches,
                               HypergradientEstimator estimator, boolean guarded, double divergence, Trajectory trajectory) {
        estimator.drawsBatchesFrom(batches);
        InnerState cur = z;
        double bound = Double.NaN;
        for (int k = 0; k < steps; k++) {
            int step = cur.step + 1;
            Batch b = batches.apply(step);
            InnerState next = problem.optimizer().update(cur, lambda, b, problem.train());
            if (guarded) {
                double loss = problem.train().lastLoss();
                if (!Double.isFinite(loss)) {
                    return new Window(cur, trajectory, new EpisodeFault(step, EpisodeFault.NON_FINITE_LOSS, loss));
                }
                if (Double.isNaN(bound)) {
                    bound = divergence * Math.max(1.0, Math.abs(loss));
                } else if (loss > bound) {
                    return new Window(cur, trajectory, new EpisodeFault(step, EpisodeFault.DIVERGED, loss));
                }
                int bad = firstNonFinite(next.w);
                if (bad >= 0) {
                    return new Window(cur, trajectory, new EpisodeFault(step, EpisodeFault.NON_FINITE_UPDATE, next.w[bad]));
                }
            }
            double[] h = estimator.observe(cur, b, next);
            if (guarded && h != null) {
                if (io.hypergrad.common.inner.FaultInjection.armed() == io.hypergrad.common.inner.FaultInjection.Kind.HYPERGRADIENT) {
                    h[0] = Double.NaN;
                }
                int bad = firstNonFinite(h);
                if (bad >= 0) {
                    return new Window(cur, trajectory, new EpisodeFault(step, EpisodeFault.NON_FINITE_HYPERGRADIENT, h[bad]));
                }
            }
            if (h != null) {
                trajectory.add(h);
            }
            cur = next;
        }
        return new Window(cur, trajectory);
    }

    /** The index of the first NaN or ±∞, or −1. */
    public static int firstNonFinite(double[] a) {
        for (int i = 0; i < a.length; i++) {
            if (!Double.isFinite(a[i])) {
                return i;
            }
        }
        return -1;
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
