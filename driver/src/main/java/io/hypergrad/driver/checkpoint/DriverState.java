package io.hypergrad.driver.checkpoint;


/**
 * Everything the driver needs to continue a run: the next round, λ, φ, θ, the outer optimiser's state,
 * and the metrics lines written so far. Random streams need no position: every draw is keyed by
 * (seed, round, task, step), so the next round's numbers follow from {@link #round} alone.
 */
public final class DriverState {

    /** The next round to run (0-based). */
    public int round;
    public double[] lambda;
    public double[] phi;
    public double theta;
    /** The outer optimiser's state arrays (e.g. momentum), as it exports them. */
    public double[][] outerState;
    /** Outer steps taken so far (drives the learning-rate schedule). */
    public long outerSteps;
    /** Episodes run so far (drives θ refits). */
    public long episodes;
    /** The metrics lines so far, so a resumed run rewrites exactly the same metrics.jsonl. */
    public java.util.List<String> metricsLines = new java.util.ArrayList<>();
    /** Per task slot: the round its continuing episode's task was drawn in (−1: a new episode next round). */
    public int[] taskRounds;
    /** Per task slot: the state of its continuing episode, or null. */
    public io.hypergrad.common.inner.InnerState[] episodeStates;
    /**
     * Per task slot: what the estimator of its continuing episode carries into the next window (HyperDistill's
     * distilled point), or null; null as a whole in a version-1 checkpoint.
     */
    public io.hypergrad.common.hypergrad.DistilledPoint[] episodeCarries;
    /** Episodes done at the last θ refit. */
    public long episodesAtRefit;
    /** Koopman aggregations so far, and how many fell back to the last local hypergradient. */
    public long koopmanCalls;
    public long koopmanFallbacks;
    /** Seconds of compute before this checkpoint (added to the resumed run's total). */
    public double seconds;
}
