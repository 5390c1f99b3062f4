package io.hypergrad.driver.round;

import static io.hypergrad.common.problems.Preflight.human;

import io.hypergrad.common.config.ConfigException;
import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.hypergrad.Estimators;
import io.hypergrad.common.hypergrad.Trajectory;
import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.problems.MetaProblem;
import java.util.Locale;
import io.hypergrad.workers.episode.SumTree;
import org.apache.spark.SparkConf;

/**
 * What a training round moves and holds, from the problem's sizes: the trajectory an episode keeps, the
 * result a partition ships, what the driver collects at the top of {@link io.hypergrad.workers.episode.SumTree}.
 * Before the first round a run that would not fit {@code spark.driver.maxResultSize} or an executor's
 * memory is refused with the bytes it needs and the settings that would fit, instead of failing in round 1.
 *
 * <p>A result is two parts: arrays summed over its episodes (the trajectory's kept rows and the Reptile
 * direction), which a sum of many partitions holds once, and per-task data concatenated as it is summed
 * (continuing episodes' states, the trajectories the Koopman aggregator pools), which the driver receives
 * for every task whatever the tree does.
 */
record ResultBudget(long summedBytes, long perTaskBytes, long episodeBytes, int tasks, int partitions, String hint) {
    /** Spark's heap reserved for itself before any task's memory (its {@code RESERVED_SYSTEM_MEMORY_BYTES}). */
    static final long SPARK_RESERVED = 300L << 20;

    static ResultBudget of(RunConfig c, MetaProblem problem) {
        long seed = c.get(RunConfig.SEED);
        long h = problem.initialLambda(seed).length;
        double[] phi = problem.initialPhi(seed);
        int total = problem.innerSteps();
        int window = c.get(RunConfig.INNER_WINDOW);
        int steps = window > 0 ? Math.min(window, total) : total;
        boolean online = Estimators.parse(c.get(RunConfig.ESTIMATOR)).create().online();
        Trajectory.Keep keep = Trajectory.Keep.of(c);
        long rows = keep == Trajectory.Keep.ALL && online ? steps : 1;
        long trajectory = 8 * rows * h;
        long perTask = 0;
        if (window > 0 && window < total) {
            InnerState z = problem.newOptimizer().init(new double[phi.length]);
            long state = z.w.length;
            for (double[] b : z.buffers) {
                state += b.length;
            }
            perTask += 8 * state;
        }
        if (c.get(RunConfig.AGGREGATOR).equals("koopman") && c.get(RunConfig.KOOPMAN_POOL)) {
            perTask += trajectory;
        }
        // While it runs, an episode holds its kept rows (online estimators all of them only under ALL),
        // the row being added, and its result's copy of them.
        long episode = trajectory + 8 * h + trajectory;
        int tasks = c.get(RunConfig.META_BATCH);
        String hint = rows > 1 ? String.format(Locale.ROOT, "; or keep one row of |λ| per episode instead of %d: hypergrad.aggregator = sum "
                + "or last, or replay with hypergrad.outer.optimizer = sgd, outer.schedule = constant and outer.clipNorm = 0", rows) : "";
        return new ResultBudget(trajectory + 8L * phi.length, perTask, episode, tasks, Math.min(c.partitions(), tasks), hint);
    }

    /** The most a round's job hands the driver: the top of the tree, and every task's per-task data. */
    long driverBytes(long collectedAtMost) {
        long top = Math.max(Math.min(collectedAtMost, partitions * summedBytes), summedBytes);
        return top + tasks * perTaskBytes;
    }

    /** The most one task holds: its episodes' results summed (and shipped), and the episode running. */
    long taskBytes() {
        long tasksPerPartition = (tasks + partitions - 1) / partitions;
        // The partition's sum, its serialised copy on the way out, and one episode running; a level of the tree
        // holds a sum and the result being added.
        return 2 * (summedBytes + tasksPerPartition * perTaskBytes) + episodeBytes;
    }

    /**
     * Refuses (exit 2) a run whose round would exceed {@code spark.driver.maxResultSize} or the memory of an
     * executor running {@code cores} tasks at once.
     *
     * @param executorHeap an executor's heap (in local mode the driver's own)
     * @param cores        tasks an executor runs at once
     */
    void check(SparkConf spark, long executorHeap, int cores) {
        long maxResult = spark.getSizeAsBytes("spark.driver.maxResultSize", "1g");
        long driver = driverBytes(SumTree.driverBytes(spark));
        if (maxResult > 0 && driver > maxResult) {
            throw new ConfigException(String.format(Locale.ROOT,
                    "a round hands the driver %s (%,d bytes: %s at the top of the partial-sum tree%s), more than "
                            + "spark.driver.maxResultSize = %s (%,d bytes); set spark.driver.maxResultSize to at least %s "
                            + "(or 0 for no limit)%s",
                    human(driver), driver, human(driver - tasks * perTaskBytes),
                    perTaskBytes == 0 ? "" : String.format(Locale.ROOT, " and %s for each of %d tasks' states and pooled trajectories",
                            human(perTaskBytes), tasks),
                    spark.get("spark.driver.maxResultSize", "1g"), maxResult, megabytes(driver), hint));
        }
        long usable = executorHeap - SPARK_RESERVED;
        long need = (long) cores * taskBytes();
        if (need > usable) {
            int fitting = (int) Math.max(0, usable / Math.max(1, taskBytes()));
            throw new ConfigException(String.format(Locale.ROOT,
                    "a round needs %s (%,d bytes) per task on an executor — %s per task × %d tasks at once — but an executor's "
                            + "heap of %s leaves %s after Spark's reserved 300 MB; set spark.executor.memory to at least %s%s%s",
                    human(need), need, human(taskBytes()), cores, human(executorHeap), human(Math.max(0, usable)),
                    megabytes(need + SPARK_RESERVED),
                    fitting >= 1 ? String.format(Locale.ROOT, ", or run %d task(s) per executor (spark.executor.cores)", fitting) : "",
                    hint));
        }
    }

    /** A size as Spark reads it, rounded up to whole megabytes. */
    static String megabytes(long bytes) {
        return ((bytes + (1 << 20) - 1) >> 20) + "m";
    }
}
