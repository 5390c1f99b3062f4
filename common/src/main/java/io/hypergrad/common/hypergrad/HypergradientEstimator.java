package io.hypergrad.common.hypergrad;

import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.nn.Batch;

/**
 * Estimates dL_val(w_t, λ)/dλ while watching an episode of inner steps. The caller runs the inner
 * optimiser and hands each step over as it happens; online estimators answer every step (a trajectory),
 * offline ones only when asked. State persists across calls, so an episode may be cut into windows
 * (rounds) and the estimator carried along; {@link #begin} starts a new episode.
 *
 * <p>Implementations are not thread-safe: one per task and thread.
 */
public interface HypergradientEstimator {
    /** A name with parameters, e.g. {@code truncated(5)}. */
    String name();

    /** Starts an episode at z_0 with hyperparameters λ (held fixed during the episode). */
    void begin(Bilevel problem, double[] lambda, InnerState z0);

    /**
     * Observes one inner step z_{t−1} → z_t on D_t. Online estimators return their hypergradient at z_t
     * (a fresh array the caller may keep); offline ones return null.
     */
    double[] observe(InnerState zPrev, Batch batch, InnerState z);

    /** The hypergradient of L_val at the last observed state, over the full λ. */
    double[] estimate();

    /**
     * Forward-over-reverse sweeps ("JVPs") of the problem's training loss since {@link #begin}: an
     * estimator owns its problem's losses during its episode, so read this before another uses them.
     */
    long jvps();

    /** Whether {@link #observe} returns an estimate every step. */
    boolean online();

    /** What the estimator holds constant or approximates, for the record (empty for exact ones). */
    default String approximation() {
        return "";
    }
}
