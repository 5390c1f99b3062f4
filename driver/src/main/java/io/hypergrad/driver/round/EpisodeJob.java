package io.hypergrad.driver.round;

import io.hypergrad.workers.episode.EpisodeDescriptor;
import io.hypergrad.workers.episode.PartialResult;
import io.hypergrad.workers.episode.PartitionFunction;
import io.hypergrad.workers.episode.RoundPayload;
import io.hypergrad.workers.episode.SumTree;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.SparkJobInfo;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.api.java.JavaFutureAction;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * One Spark job of episodes, submitted without blocking and awaited with progress. Its partitions' results
 * are added up along {@link SumTree}'s fixed tree: the lower levels on the executors while the results are
 * large (so the driver holds what fits in {@link SumTree#DRIVER_BYTES_KEY}, or one result — never one per
 * partition), the rest on the driver; the order, and so every bit of the sum, is the same wherever a level
 * runs. While it runs, the driver thread polls Spark's status tracker for the
 * job's finished tasks (one task per partition, i.e. per episode by default) and reports them to a
 * {@link RoundListener} as a phase with an ETA. Progress is reported on the driver thread, as the
 * listener's contract says, never from Spark's listener bus.
 */
final class EpisodeJob {
    /** How often the driver looks at the job. */
    private static final long POLL_MILLIS = 250;
    /** A job shorter than this says nothing unless announced (a round's own job is usually this short). */
    private static final double QUIET_SECONDS = 3;
    /** With no task finished, the phase is still reported this often, so nothing is silent for long. */
    private static final double HEARTBEAT_SECONDS = 5;

    private final JavaSparkContext sc;
    private final Broadcast<RoundPayload> payload;
    private final JavaFutureAction<List<PartialResult>> future;
    private final int tasks;
    /** The configured partitions: the groups whose sums are added up, along the tree, into the result. */
    private final int groups;
    /** Whether the collected results are the job's own parts (no level of the tree ran on the executors). */
    private final boolean parts;
    private final long submitted = System.nanoTime();
    private boolean awaited;

    private EpisodeJob(JavaSparkContext sc, Broadcast<RoundPayload> payload, JavaFutureAction<List<PartialResult>> future, int tasks,
                       int groups, boolean parts) {
        this.sc = sc;
        this.payload = payload;
        this.future = future;
        this.tasks = tasks;
        this.groups = groups;
        this.parts = parts;
    }

    /**
     * Submits the episodes as one job, under the calling thread's job group and description. Their sum is
     * that of {@code min(partitions, episodes)} partitions, added up along {@link SumTree}'s tree; with
     * {@code perEpisode} each episode is a Spark task of its own (finer progress, better balance across
     * executors) and the tree's first level adds the episodes of each configured partition in the order the
     * partition function would have — the same floating-point additions, so the same bits.
     *
     * @param perEpisode   one Spark task per episode (only for episodes independent of one another: evaluation)
     * @param partialBytes the estimated size of one part's result, which decides where the tree's levels run
     * @param pool         the FAIR scheduler pool to run in, or null for the calling thread's own
     */
    static EpisodeJob submit(JavaSparkContext sc, List<EpisodeDescriptor> episodes, RoundPayload payload, int partitions,
                             boolean perEpisode, long partialBytes, String description, String pool) {
        long driverBytes = SumTree.driverBytes(sc.getConf());
        Broadcast<RoundPayload> b = sc.broadcast(payload);
        String ownPool = sc.getLocalProperty("spark.scheduler.pool");
        sc.setJobDescription(description);
        if (pool != null) {
            sc.setLocalProperty("spark.scheduler.pool", pool);
        }
        try {
            int groups = Math.min(partitions, episodes.size());
            int slices = perEpisode ? episodes.size() : groups;
            SumTree.Top top = SumTree.onExecutors(sc.parallelize(episodes, slices).mapPartitions(new PartitionFunction(b)), groups,
                    partialBytes, driverBytes);
            return new EpisodeJob(sc, b, top.rdd().collectAsync(), slices, groups, top.parts());
        } catch (RuntimeException e) {
            b.destroy();
            throw e;
        } finally {
            if (pool != null) {
                sc.setLocalProperty("spark.scheduler.pool", ownPool);
            }
        }
    }

    /** Whether the job has ended (with a result or a failure). */
    boolean isDone() {
        return future.isDone();
    }

    /**
     * Waits for the job and returns its partitions' sum along the tree; meanwhile reports the
     * finished tasks as {@code phase} — from the start when {@code announce}, else only once the job has
     * run for a few seconds.
     *
     * @throws Exception what the job threw (Spark's task failures arrive as the cause of an ExecutionException)
     */
    PartialResult await(RoundListener listener, String phase, boolean announce) throws Exception {
        try {
            int reported = -1;
            long lastReport = 0;
            List<PartialResult> collected;
            while (true) {
                try {
                    collected = future.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
                    break;
                } catch (TimeoutException e) {
                    long now = System.nanoTime();
                    double running = (now - submitted) / 1e9;
                    int done = finishedTasks();
                    boolean changed = done != reported;
                    boolean heartbeat = (now - lastReport) / 1e9 >= HEARTBEAT_SECONDS;
                    if ((announce || running >= QUIET_SECONDS) && (changed || heartbeat)) {
                        listener.onPhase(phase, done, tasks, eta(running, done));
                        reported = done;
                        lastReport = now;
                    }
                }
            }
            // An announced phase always says it ended, even when the job had finished before it was awaited.
            if (reported >= 0 || announce) {
                listener.onPhase(phase, tasks, tasks, 0);
            }
            return SumTree.finish(collected, groups, parts);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception c ? c : e;
        } finally {
            awaited = true;
            payload.destroy();
        }
    }


    /** Drops a job not awaited (a run that fails or stops does not wait for its background evaluation). */
    void cancel() {
        if (!awaited) {
            awaited = true;
            future.cancel(true);
            payload.destroy();
        }
    }

    /** Episode tasks of the job that have finished, as far as the status tracker has heard. */
    private int finishedTasks() {
        int done = 0;
        for (int jobId : future.jobIds()) {
            SparkJobInfo job = sc.statusTracker().getJobInfo(jobId);
            if (job == null || job.stageIds().length == 0) {
                continue;
            }
            // The episodes run in the job's first stage; the stages after it only add up the tree's levels.
            SparkStageInfo stage = sc.statusTracker().getStageInfo(java.util.Arrays.stream(job.stageIds()).min().getAsInt());
            if (stage != null) {
                done += stage.numCompletedTasks();
            }
        }
        return Math.min(done, tasks);
    }

    /** The time left if the remaining tasks take as long as the finished ones did; unknown before the first. */
    private double eta(double running, int done) {
        return done == 0 ? Double.NaN : running / done * (tasks - done);
    }
}
