package io.hypergrad.common.hypergrad;

import io.hypergrad.common.inner.InnerState;
import java.io.Serializable;

/**
 * What HyperDistill carries from one window of a continuing episode to the next (and into checkpoints):
 * its step count t, the θ and subsampling seed the episode began with, and the distilled point — z* and
 * D* as example keys (step, row), never copies of the examples. Redrawing D* from the task's batches
 * ({@link Distillation#restore}) gives the same examples in the same order, so a cut episode continues
 * bit for bit as the uncut one.
 */
public final class DistilledPoint implements Serializable {
    private static final long serialVersionUID = 1L;

    // A class rather than a record: Kryo 4, which Spark 3.5 bundles, cannot serialise records.
    private int t;
    private double theta;
    private long seed;
    private InnerState state;
    private int[] steps;
    private int[] rows;

    /** For Kryo. */
    private DistilledPoint() {}

    /**
     * @param t     online steps observed so far in the episode (≥ 1)
     * @param theta the scale θ the episode uses
     * @param seed  the seed keying the episode's subsampling of D*
     * @param state z*
     * @param steps per example of D*, the step whose batch it came from
     * @param rows  per example of D*, its row in that batch
     */
    public DistilledPoint(int t, double theta, long seed, InnerState state, int[] steps, int[] rows) {
        if (t < 1 || state == null || steps.length != rows.length || steps.length == 0) {
            throw new IllegalArgumentException("a distilled point needs t ≥ 1, a state and one (step, row) key per example");
        }
        this.t = t;
        this.theta = theta;
        this.seed = seed;
        this.state = state;
        this.steps = steps;
        this.rows = rows;
    }

    public int t() {
        return t;
    }

    public double theta() {
        return theta;
    }

    public long seed() {
        return seed;
    }

    public InnerState state() {
        return state;
    }

    public int[] steps() {
        return steps;
    }

    public int[] rows() {
        return rows;
    }
}
