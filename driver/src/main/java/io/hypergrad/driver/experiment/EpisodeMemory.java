package io.hypergrad.driver.experiment;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.hypergrad.Bilevel;
import io.hypergrad.common.hypergrad.Episode;
import io.hypergrad.common.hypergrad.Estimators;
import io.hypergrad.common.hypergrad.HypergradientEstimator;
import io.hypergrad.common.inner.InnerOptimizer;
import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.inner.Loss;
import io.hypergrad.common.problems.MetaProblem;
import io.hypergrad.common.problems.Split;
import io.hypergrad.common.problems.Task;
import io.hypergrad.workers.episode.ProblemCache;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;

/**
 * The memory column of an experiment table: the peak live heap one meta-train episode of a run's
 * problem needs for its estimator, measured as {@code bench memory} does — the used heap after a full GC
 * at twenty points of the episode (and after an offline estimator's final estimate), minus the post-GC
 * baseline taken after a warm-up episode (so the problem's data, tapes and optimiser scratch, which every
 * estimator shares, are in the baseline). What stays reachable is what the worker holds: the estimator's
 * state and the hypergradient rows an online estimator hands to the aggregator (T × |λ| doubles under
 * {@code replay}). It is one episode in the driver's JVM, not a run's process footprint, and other threads
 * allocating between a GC and its reading add noise of the order of a megabyte.
 */
public final class EpisodeMemory {
    private static final java.util.Set<String> WARM = java.util.concurrent.ConcurrentHashMap.newKeySet();

    private EpisodeMemory() {}

    /**
     * Peak live heap above the baseline while one episode runs with {@code estimator}, in MB. The first
     * measurement of a problem in a JVM is made twice and the first discarded: it read 0.0 MB for
     * {@code fo} on sinusoid where every later one read 5.07 MB (one-time allocations freed during it).
     */
    public static double peakMegabytes(RunConfig c, String estimator) {
        if (WARM.add(c.resolvedHocon())) {
            measure(c, estimator);
        }
        return measure(c, estimator);
    }

    private static double measure(RunConfig c, String estimator) {
        MetaProblem problem = ProblemCache.get(c);
        long seed = c.get(RunConfig.SEED);
        Task task = problem.task(seed, Split.META_TRAIN, 0, 0);
        Loss train = new Loss(problem.layout(), problem.trainObjective());
        Loss val = new Loss(problem.layout(), problem.valObjective());
        InnerOptimizer opt = problem.newOptimizer();
        Bilevel bilevel = new Bilevel(train, val, opt, task.valBatch());
        double[] lambda = problem.initialLambda(seed);
        InnerState z0 = opt.init(problem.initialPhi(seed));
        int steps = problem.innerSteps();
        // Warm-up with the cheapest estimator: grows the tapes and loads the data before the baseline.
        Episode.hypergradient(bilevel, lambda, z0, steps, task::trainBatch, Estimators.parse("fo").create());
        System.gc();
        long base = used();
        HypergradientEstimator e = Estimators.parse(estimator).create(1.0, seed);
        e.begin(bilevel, lambda, z0);
        List<double[]> rows = new ArrayList<>();
        InnerState z = z0;
        long peak = 0;
        int chunk = Math.max(1, steps / 20);
        for (int done = 0; done < steps; done += chunk) {
            Episode.Window w = Episode.run(bilevel, lambda, z, Math.min(chunk, steps - done), task::trainBatch, e);
            rows.addAll(w.trajectory());
            z = w.state();
            System.gc();
            peak = Math.max(peak, used() - base);
        }
        if (!e.online()) {
            rows.add(e.estimate());
        }
        System.gc();
        peak = Math.max(peak, used() - base);
        java.lang.ref.Reference.reachabilityFence(e);
        java.lang.ref.Reference.reachabilityFence(rows);
        return Math.max(0, peak) / 1e6;
    }

    private static long used() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
