package io.hypergrad.driver.round;

import io.hypergrad.workers.episode.EpisodeDescriptor;
import io.hypergrad.workers.episode.PartialResult;
import io.hypergrad.workers.episode.PartitionFunction;
import io.hypergrad.workers.episode.RoundPayload;
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
 * One Spark job of episodes, submitted without blocking and awaited with progress. The job is the one a
 * blocking {@code collect} would run — same partitions, results summed in partition order — so its result
 * is bit-identical; only the waiting differs: the driver thread polls Spark's status tracker for the
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
    /** The configured partitions: the groups whose sums are added up, in order, into the result. */
    private final int groups;
    private final long submitted = System.nanoTime();
    private boolean awaited;

    private EpisodeJob(JavaSparkContext sc, Broadcast<RoundPayload> payload, JavaFutureAction<List<PartialResult>> future, int tasks,
                       int groups) {
        this.sc = sc;
        this.payload = payload;
        this.future = future;
        this.tasks = tasks;
        this.groups = groups;
    }

    /**
     * Submits the episodes as one job, under the calling thread's job group and description. Their sum is
     * that of {@code min(partitions, episodes)} partitions, added up in partition order; with
     * {@code perEpisode} each episode is a Spark task of its own (finer progress, better balance across
     * executors) and the driver adds the episodes of each configured partition in the order the partition
     * function would have — the same floating-point additions, so the same bits.
     *
     * @param perEpisode one Spark task per episode (only for episodes independent of one another: evaluation)
     * @param pool       the FAIR scheduler pool to run in, or null for the calling thread's own
     */
    static EpisodeJob submit(JavaSparkContext sc, List<EpisodeDescriptor> episodes, RoundPayload payload, int partitions,
                             boolean perEpisode, String description, String pool) {
        Broadcast<RoundPayload> b = sc.broadcast(payload);
        String ownPool = sc.getLocalProperty("spark.scheduler.pool");
        sc.setJobDescription(description);
        if (pool != null) {
            sc.setLocalProperty("spark.scheduler.pool", pool);
        }
        try {
            int groups = Math.min(partitions, episodes.size());
            int slices = perEpisode ? episodes.size() : groups;
            return new EpisodeJob(sc, b, sc.parallelize(episodes, slices).mapPartitions(new PartitionFunction(b)).collectAsync(),
                    slices, groups);
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
     * Waits for the job and returns its partitions' sum in partition order; meanwhile reports the
     * finished tasks as {@code phase} — from the start when {@code announce}, else only once the job has
     * run for a few seconds.
     *
     * @throws Exception what the job threw (Spark's task failures arrive as the cause of an ExecutionException)
     */
    PartialResult await(RoundListener listener, String phase, boolean announce) throws Exception {
        try {
            int reported = -1;
            long lastReport = 0;
            List<PartialResult> parts;
            while (true) {
                try {
                    parts = future.get(POLL_MILLIS, TimeUnit.MILLISECONDS);
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
            return sumInPartitionOrder(parts);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof Exception c ? c : e;
        } finally {
            awaited = true;
            payload.destroy();
        }
    }

    /**
     * The sum of the configured partitions in order. When each part is one episode, a partition's sum is
     * rebuilt from its episodes first — Spark's slicing of a collection puts elements [g·n/k, (g+1)·n/k)
     * into partition g of k — as the partition function adds them: from an empty result, in task order.
     */
    private PartialResult sumInPartitionOrder(List<PartialResult> parts) {
        PartialResult total = new PartialResult();
        if (parts.size() == groups) {
            for (PartialResult p : parts) {
                total.add(p);
            }
            return total;
        }
        int n = parts.size();
        for (int g = 0; g < groups; g++) {
            PartialResult partition = new PartialResult();
            for (int i = (int) ((long) g * n / groups); i < (int) ((long) (g + 1) * n / groups); i++) {
                partition.add(parts.get(i));
            }
            total.add(partition);
        }
        return total;
    }

    /** Drops a job not awaited (a run that fails or stops does not wait for its background evaluation). */
    void cancel() {
        if (!awaited) {
            awaited = true;
            future.cancel(true);
            payload.destroy();
        }
    }

    /** Tasks of the job that have finished, as far as the status tracker has heard. */
    private int finishedTasks() {
        int done = 0;
        for (int jobId : future.jobIds()) {
            SparkJobInfo job = sc.statusTracker().getJobInfo(jobId);
            if (job == null) {
                continue;
            }
            for (int stageId : job.stageIds()) {
                SparkStageInfo stage = sc.statusTracker().getStageInfo(stageId);
                if (stage != null) {
                    done += stage.numCompletedTasks();
                }
            }
        }
        return Math.min(done, tasks);
    }

    /** The time left if the remaining tasks take as long as the finished ones did; unknown before the first. */
    private double eta(double running, int done) {
        return done == 0 ? Double.NaN : running / done * (tasks - done);
    }
}
