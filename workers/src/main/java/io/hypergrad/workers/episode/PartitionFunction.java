package io.hypergrad.workers.episode;

import io.hypergrad.common.problems.Split;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.SparkEnv;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;

/**
 * Runs a partition's episodes and sums their results in task-index order into one
 * {@link PartialResult}: one object per partition crosses the wire back to the driver.
 */
public final class PartitionFunction implements FlatMapFunction<Iterator<EpisodeDescriptor>, PartialResult> {
    private static final long serialVersionUID = 1L;

    /**
     * Spark conf key of a test-only fault: when true, the first attempt of partition 0 of every round
     * fails after its work is done, so the retry path is exercised on real runs.
     */
    public static final String FAIL_FIRST_ATTEMPT = "spark.hypergrad.test.failFirstAttempt";

    /**
     * Spark conf key of a test-only fault, {@code "ROUND:TASK"}: that meta-train task throws on every
     * attempt, so a task failing beyond Spark's retry limit can be exercised.
     */
    public static final String FAIL_TASK = "spark.hypergrad.test.failTask";

    /**
     * Spark conf key of a test-only slowdown: each partition sleeps this many milliseconds before its
     * work (results unchanged), so that a fault drill can kill an executor in the middle of a task.
     */
    public static final String TASK_DELAY_MILLIS = "spark.hypergrad.test.taskDelayMillis";

    private final Broadcast<RoundPayload> payload;

    public PartitionFunction(Broadcast<RoundPayload> payload) {
        this.payload = payload;
    }

    @Override
    public Iterator<PartialResult> call(Iterator<EpisodeDescriptor> it) {
        List<EpisodeDescriptor> episodes = new ArrayList<>();
        it.forEachRemaining(episodes::add);
        episodes.sort(Comparator.comparing(EpisodeDescriptor::split).thenComparingInt(EpisodeDescriptor::task));
        RoundPayload p = payload.value();
        SparkEnv env = SparkEnv.get();
        InjectedFault inject = env == null ? null : InjectedFault.parse(env.conf().get(InjectedFault.CONF_KEY, ""));
        PartialResult sum = new PartialResult();
        String failTask = env == null ? "" : env.conf().get(FAIL_TASK, "");
        long delay = env == null ? 0 : env.conf().getLong(TASK_DELAY_MILLIS, 0);
        if (delay > 0) {
            try {
                Thread.sleep(delay);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        for (EpisodeDescriptor d : episodes) {
            try {
                if (d.split() == Split.META_TRAIN && failTask.equals(p.round + ":" + d.task())) {
                    throw new IllegalStateException("test fault: this task fails on every attempt (" + FAIL_TASK + ")");
                }
                sum.add(d.split() != Split.META_TRAIN ? EpisodeRunner.evaluate(p, d.split(), d.task())
                        : p.refit ? EpisodeRunner.refit(p, d.task(), inject) : EpisodeRunner.run(p, d, inject));
            } catch (RuntimeException e) {
                throw new EpisodeFailedException(d.task(), p.round, d.split(), e);
            }
        }
        failFirstAttemptIfAsked();
        return List.of(sum).iterator();
    }

    private static void failFirstAttemptIfAsked() {
        TaskContext tc = TaskContext.get();
        SparkEnv env = SparkEnv.get();
        if (tc != null && env != null && env.conf().getBoolean(FAIL_FIRST_ATTEMPT, false)
                && tc.partitionId() == 0 && tc.attemptNumber() == 0) {
            throw new IllegalStateException("test fault: first attempt of partition 0 fails (" + FAIL_FIRST_ATTEMPT + ")");
        }
    }
}
