package io.hypergrad.workers.episode;

/** What one episode returns; summed into a {@link PartialResult} on the executor. */
public final class EpisodeResult {
    /** The task's index. */
    public int task;
    /** Rows of the trajectory. */
    public int rows;
    /** The hypergradient trajectory (rows × H), or its sum or last row when the aggregator needs no more. */
    public double[] trajectory;
    /** w_T − φ. */
    public double[] reptile;
    public double valLoss;
    public double valAccuracy;
    public double trainLoss;
    public long jvps;
    public double seconds;
    public long nonFinite;
    /** θ-refit samples (refit rounds only). */
    public double[] thetaX = new double[0];
    public double[] thetaY = new double[0];
    /** Why the inner loop stopped early (non-finite value or divergence), or null. */
    public io.hypergrad.common.hypergrad.EpisodeFault fault;
    /** Whether the task is left out of the sums (a fault under fail or skip-task). */
    public boolean excluded;
    /**
     * Whether the driver needs this task's own trajectory besides the sum (the Koopman aggregator pools
     * the snapshot pairs of every task's window).
     */
    public boolean pooled;
    /** The state after this window when the episode continues, else null. */
    public io.hypergrad.common.inner.InnerState state;
    /** What the estimator carries into the next window when the episode continues, else null. */
    public io.hypergrad.common.hypergrad.DistilledPoint carried;
}
