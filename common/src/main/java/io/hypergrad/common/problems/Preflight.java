package io.hypergrad.common.problems;

import io.hypergrad.common.config.ConfigException;
import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.hypergrad.Estimators;
import io.hypergrad.common.hypergrad.Forward;
import io.hypergrad.common.inner.InnerState;
import java.util.Locale;

/**
 * Checks a run can work before any Spark work starts: settings that each pass their own key's check but
 * contradict each other once the problem's sizes are known. Today: forward mode keeps one tangent of
 * the whole inner state per hyperparameter, so a large λ is refused with the memory it would need,
 * instead of an executor running out of memory in the first round; a local estimator emitting every
 * S-th step needs windows that are multiples of S, and an aggregator that does not take one outer step
 * per inner step.
 */
public final class Preflight {
    private Preflight() {}

    /**
     * Throws a {@link ConfigException} naming the keys when the config cannot run on the problem.
     *
     * @param heapBytes the memory one episode may use at most (an executor's heap), for the message and the check
     */
    public static void check(RunConfig c, MetaProblem problem, long heapBytes) {
        String estimator = c.get(RunConfig.ESTIMATOR).trim().toLowerCase(Locale.ROOT);
        int stride = Estimators.parse(estimator).create().stride();
        if (stride > 1) {
            int steps = problem.innerSteps();
            int window = c.get(RunConfig.INNER_WINDOW) == 0 ? steps : Math.min(c.get(RunConfig.INNER_WINDOW), steps);
            if (window % stride != 0 || steps % stride != 0) {
                throw new ConfigException(String.format(Locale.ROOT,
                        "hypergrad.estimator = %s emits every %d-th step of a window, but the window (hypergrad.inner.window = %d) "
                                + "or the episode (hypergrad.inner.steps = %d) is not a multiple of %d: its last step would have no estimate",
                        estimator, stride, window, steps, stride));
            }
            if (c.get(RunConfig.AGGREGATOR).equals("replay")) {
                throw new ConfigException("hypergrad.estimator = " + estimator + " emits every " + stride
                        + "-th step, and hypergrad.aggregator = replay takes one outer step per inner step: use koopman, last or sum");
            }
        }
        if (estimator.equals("forward")) {
            long seed = c.get(RunConfig.SEED);
            long h = problem.initialLambda(seed).length;
            InnerState z = problem.newOptimizer().init(new double[problem.initialPhi(seed).length]);
            long state = z.w.length;
            for (double[] b : z.buffers) {
                state += b.length;
            }
            long bytes = forwardBytes(state, h);
            if (h > Forward.MAX_HYPER || bytes > heapBytes) {
                throw new ConfigException(String.format(Locale.ROOT,
                        "hypergrad.estimator = forward with hypergrad.problem = %s: λ has %,d entries and forward mode keeps one tangent "
                                + "of the inner state (%,d numbers) per entry: %s (%,d bytes) per episode and %,d JVPs per inner step; "
                                + "the limits are %,d entries and %s of heap (%,d bytes) — use reverse, hyperdistill:γ or one-step for a λ this large",
                        c.get(RunConfig.PROBLEM), h, state, human(bytes), bytes, h, Forward.MAX_HYPER, human(heapBytes), heapBytes));
            }
        }
    }

    /** Bytes of forward mode's tangents: |λ| tangents of an inner state of {@code stateSize} doubles. */
    public static long forwardBytes(long stateSize, long hyperSize) {
        return Math.multiplyHigh(stateSize * 8, hyperSize) != 0 ? Long.MAX_VALUE : stateSize * 8 * hyperSize;
    }

    /** A byte count for a message: "1.2 GB", "3.4 MB", "5.6 kB". */
    public static String human(long bytes) {
        if (bytes >= 1_000_000_000L) {
            return String.format(Locale.ROOT, "%.1f GB", bytes / 1e9);
        }
        if (bytes >= 1_000_000L) {
            return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        }
        return String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
    }
}
