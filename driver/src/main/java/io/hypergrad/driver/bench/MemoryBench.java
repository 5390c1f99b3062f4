package io.hypergrad.driver.bench;

import io.hypergrad.common.hypergrad.Bilevel;
import io.hypergrad.common.hypergrad.Episode;
import io.hypergrad.common.hypergrad.Estimators;
import io.hypergrad.common.hypergrad.HypergradientEstimator;
import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.inner.Loss;
import io.hypergrad.common.inner.Objectives;
import io.hypergrad.common.inner.Sgd;
import io.hypergrad.common.nn.Activation;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.Model;
import io.hypergrad.common.nn.Role;
import io.hypergrad.common.random.CounterRng;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;

/**
 * {@code bench memory}: the peak live heap of an episode's hypergradient with {@code reverse},
 * {@code hyperdistill} and {@code drmad} on the MLP 784–256–256–10 (first layer λ) at T = 100 and
 * T = 1,000. Reverse keeps every state (linear in T); HyperDistill keeps one distilled state and DrMAD
 * z_0 and z_T, redrawing its batches by step for the sweep (both flat in T). Each step's batch is a fresh
 * object, as a task's sampler draws it, so an estimator that held its batches would grow by one batch
 * (0.6 MB) per step. "Live" is measured
 * after a full GC at twenty points of the episode (and after the final estimate) while the estimator is
 * still reachable — the peak of the JVM's used heap would count uncollected garbage and measure the
 * collector's timing instead of what the estimator holds.
 */
public final class MemoryBench {
    private MemoryBench() {}

    /** Peak heap above the post-GC baseline while one episode runs, in MB. */
    static double peakMegabytes(String estimator, int steps) {
        Model m = Model.mlp(new int[] {784, 256, 256, 10}, Activation.TANH, 1);
        Loss train = new Loss(m.layout(), Objectives.crossEntropy(m));
        Loss val = new Loss(m.layout(), Objectives.crossEntropy(m));
        Batch[] batches = new Batch[10];
        for (int i = 0; i < batches.length; i++) {
            batches[i] = EngineBench.randomBatch(new int[] {784}, 100, 10);
        }
        Bilevel problem = new Bilevel(train, val, Sgd.constant(m.layout(), 0.01, 0.9, 0.0), batches[0]);
        double[] lambda = m.layout().initialise(Role.HYPER, CounterRng.of(1));
        InnerState z0 = problem.optimizer().init(m.layout().initialise(Role.INNER, CounterRng.of(2)));
        System.gc();
        long base = used();
        HypergradientEstimator e = Estimators.parse(estimator).create();
        e.begin(problem, lambda, z0);
        InnerState z = z0;
        long peak = 0;
        int chunk = Math.max(1, steps / 20);
        for (int done = 0; done < steps; done += chunk) {
            z = Episode.run(problem, lambda, z, Math.min(chunk, steps - done), t -> drawn(batches, t), e).state();
            System.gc();
            peak = Math.max(peak, used() - base);
        }
        if (!e.online()) {
            e.estimate();
        }
        System.gc();
        peak = Math.max(peak, used() - base);
        // Keep the estimator (and what it holds) reachable until measured.
        java.lang.ref.Reference.reachabilityFence(e);
        return peak / 1e6;
    }

    /** D_t as a task's sampler gives it: the same examples for the same t, in a fresh batch object. */
    private static Batch drawn(Batch[] pool, int t) {
        Batch b = pool[t % pool.length];
        int[] all = new int[b.size()];
        java.util.Arrays.setAll(all, i -> i);
        return b.select(all);
    }

    private static long used() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }


    /** Prints the six figures and the ratios T=1000 / T=100. */
    public static void run(PrintStream out) {
        out.println("# peak live heap above baseline (after full GCs), MB (MLP 784-256-256-10, batch 100, SGD momentum; max heap "
                + Runtime.getRuntime().maxMemory() / (1 << 20) + " MB)");
        for (String est : new String[] {"reverse", "hyperdistill:0.99:1", "drmad"}) {
            double a = peakMegabytes(est, 100);
            double b = peakMegabytes(est, 1000);
            out.printf("estimator=%s T=100 peak_mb=%.1f T=1000 peak_mb=%.1f ratio=%.2f%n", est, a, b, b / a);
        }
    }
}
