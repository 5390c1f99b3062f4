package io.hypergrad.common.hypergrad;

import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.nn.Batch;
import java.util.function.IntFunction;

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
     * What this estimator carries into the next window of a continuing episode, when the window ends
     * before the episode does; null when it starts afresh at every window (every estimator but
     * HyperDistill, whose distilled point spans the episode).
     */
    default DistilledPoint carry() {
        return null;
    }

    /**
     * Continues an episode at z (the state the last window ended in) from what {@link #carry} gave, with
     * the window's λ; {@code batches} redraws D_t, a pure function of the step t.
     *
     * @throws IllegalArgumentException when this estimator carries nothing
     */
    default void resume(Bilevel problem, double[] lambda, InnerState z, DistilledPoint carried, IntFunction<Batch> batches) {
        throw new IllegalArgumentException(name() + " carries nothing across windows");
    }

    /**
     * Where D_t comes from: a pure function of the step t. {@link Episode} hands it over before the first
     * step of each window, so an estimator that sweeps back over its window (drmad) keeps step numbers
     * and redraws the batches instead of holding copies.
     */
    default void drawsBatchesFrom(IntFunction<Batch> batches) {}

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

    /** Whether {@link #observe} returns estimates during the window: every {@link #stride}-th step. */
    boolean online();

    /**
     * Inner steps between two estimates of an online estimator: {@link #observe} answers at the steps t
     * with (t − t_0) a multiple of it, t_0 the window's first state; 1 (every step) for all but
     * {@code local:…:S}.
     */
    default int stride() {
        return 1;
    }

    /** What the estimator holds constant or approximates, for the record (empty for exact ones). */
    default String approximation() {
        return "";
    }
}
