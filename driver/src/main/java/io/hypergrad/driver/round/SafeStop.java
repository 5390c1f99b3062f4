package io.hypergrad.driver.round;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.driver.checkpoint.CheckpointStore;
import io.hypergrad.driver.output.RunFolder;
import io.hypergrad.driver.output.RunLock;
import java.util.Map;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Runs the round loop as its run folder's one writer, stoppable at a safe point from another thread (a
 * signal handler, a notebook's cancel button). {@link #request} cancels the run's Spark jobs through their
 * job group and stops the loop before its next round; the round in flight is abandoned, and what the loop
 * writes is written atomically, so the last good checkpoint holds every completed round. The run then
 * ends with {@link RunStoppedException}. Each completed round refreshes the run folder's lock.
 */
public final class SafeStop {
    private final String jobGroup;
    private String cause;
    private JavaSparkContext sc;
    private RoundLoop loop;
    private volatile int roundsDone;

    /** @param jobGroup the Spark job group the run's jobs are started in (unique per run in the application) */
    public SafeStop(String jobGroup) {
        this.jobGroup = jobGroup;
    }

    /** Asks the run to stop, now or as soon as it starts; later requests add nothing. Safe from any thread. */
    public synchronized void request(String why) {
        if (cause != null) {
            return;
        }
        cause = why;
        if (loop != null) {
            loop.cancel();
        }
        if (sc != null) {
            sc.cancelJobGroup(jobGroup);
        }
    }

    /** Whether a stop was asked for. */
    public synchronized boolean requested() {
        return cause != null;
    }

    /**
     * Runs every round not yet done on the calling thread (see {@link RoundLoop#run}), refreshing
     * {@code lock}'s heartbeat after each.
     *
     * @throws RunStoppedException when a stop was asked for before the run completed
     */
    public Map<String, Object> run(JavaSparkContext sc, RunConfig config, RunFolder folder, RunLock lock, RoundListener listener,
                                   boolean resume) {
        int rounds = config.get(RunConfig.ROUNDS);
        RoundLoop l = new RoundLoop(sc, config, folder, listener.afterEachRound(round -> {
            roundsDone = round;
            lock.heartbeat();
        }));
        synchronized (this) {
            if (cause != null) {
                throw new RunStoppedException(cause, resume ? keptRound(folder, config) : 0, rounds, null);
            }
            // Job groups are thread-local in Spark: the loop's jobs, started on this thread, belong to this run.
            sc.setJobGroup(jobGroup, "hypergrad run " + folder.uri(), true);
            this.sc = sc;
            this.loop = l;
        }
        try {
            return l.run(resume, -1);
        } catch (RuntimeException e) {
            synchronized (this) {
                if (cause != null) {
                    throw new RunStoppedException(cause, Math.max(roundsDone, keptRound(folder, config)), rounds, e);
                }
            }
            throw e;
        }
    }

    /** The round of the newest valid checkpoint, where a resume continues (0 when there is none). */
    private static int keptRound(RunFolder folder, RunConfig config) {
        try {
            return new CheckpointStore(folder, config).loadNewest().map(st -> st.round).orElse(0);
        } catch (RuntimeException unreadable) {
            return 0;
        }
    }
}
