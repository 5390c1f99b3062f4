package io.hypergrad.workers.episode;

import io.hypergrad.common.problems.Split;
import java.io.Serializable;

/**
 * One episode of a round: which task, of which split. The task's data and every random draw follow from
 * (run seed, split, round, task index), so the descriptor needs nothing else. Meta-train episodes
 * estimate hypergradients; meta-validation and meta-test episodes only train from φ and measure.
 *
 */
public final class EpisodeDescriptor implements Serializable {
    private static final long serialVersionUID = 1L;

    // A class rather than a record: Kryo 4, which Spark 3.5 bundles, cannot serialise records.
    private int task;
    private Split split;

    /** For Kryo. */
    private EpisodeDescriptor() {}

    public EpisodeDescriptor(int task, Split split) {
        this.task = task;
        this.split = split;
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
