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
    /**
     * 1 when the inner loop diverged in this window: its final training loss is not finite or more than
     * {@link EpisodeRunner#DIVERGENCE_FACTOR} times the loss it started the window with, else 0.
     */
    public int innerDiverged;
    /** θ-refit samples (refit rounds only). */
    public double[] thetaX = new double[0];
    public double[] thetaY = new double[0];
    /** The state after this window when the episode continues, else null. */
    public io.hypergrad.common.inner.InnerState state;
}
