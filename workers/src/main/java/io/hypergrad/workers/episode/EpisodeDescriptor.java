package io.hypergrad.workers.episode;

import io.hypergrad.common.hypergrad.DistilledPoint;
import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.problems.Split;
import java.io.Serializable;

/**
 * One episode (or one window of a continuing episode) of a round: which task, of which split, and the
 * state it continues from. The task's data and every random draw follow from (run seed, split, round
 * the task was drawn, task index), so nothing else travels. Meta-train episodes
 * estimate hypergradients; meta-validation and meta-test episodes only train from φ and measure.
 *
 */
public final class EpisodeDescriptor implements Serializable {
    private static final long serialVersionUID = 1L;

    // A class rather than a record: Kryo 4, which Spark 3.5 bundles, cannot serialise records.
    private int task;
    private Split split;
    private int taskRound;
    private InnerState state;
    private DistilledPoint carried;

    /** For Kryo. */
    private EpisodeDescriptor() {}

    /** A new episode of a task drawn in the current round. */
    public EpisodeDescriptor(int task, Split split) {
        this(task, split, -1, null, null);
    }

    /**
     * An episode that continues: its task was drawn in round {@code taskRound} and it resumes from
     * {@code state} (null for a new episode, whose task is drawn in the current round when taskRound < 0),
     * with what its estimator carried out of the last window ({@code carried}, null when it carries
     * nothing).
     */
    public EpisodeDescriptor(int task, Split split, int taskRound, InnerState state, DistilledPoint carried) {
        this.task = task;
        this.split = split;
        this.taskRound = taskRound;
        this.state = state;
        this.carried = carried;
    }

    /** What the estimator carried out of the last window, or null. */
    public DistilledPoint carried() {
        return carried;
    }

    /** The round the task was drawn in, or −1 for the current round. */
    public int taskRound() {
        return taskRound;
    }

    /** The state to continue from, or null for a new episode. */
    public InnerState state() {
        return state;
    }

    public int task() {
        return task;
    }

    public Split split() {
        return split;
    }

    @Override
    public String toString() {
        return split + "#" + task;
    }
}
