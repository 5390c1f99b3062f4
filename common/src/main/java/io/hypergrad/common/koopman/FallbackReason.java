package io.hypergrad.common.koopman;

/**
 * What a Koopman estimate is: {@link #NONE} (the extrapolation was used), {@link #NOT_APPLICABLE}
 * (nothing to extrapolate; not a fallback), or why it fell back to the last local hypergradient.
 */
public enum FallbackReason {
    /** The extrapolated estimate passed the trust test and was used. */
    NONE,
    /**
     * The remaining horizon R is 0 (the window already ends the episode): h_K is the answer. Not a
     * fallback, and not counted as one.
     */
    NOT_APPLICABLE,
    /** The window is too short for a fit and its hold-out (see {@link KoopmanEstimator}). */
    WINDOW_TOO_SHORT,
    /** The trajectory, the fit or the estimate contains NaN or ±∞. */
    NON_FINITE,
    /** The SVD kept no singular value (an all-zero window). */
    EMPTY_RANK,
    /**
     * No mode to extrapolate: every fitted mode has |μ| ≥ 1 (never raised to a power), or — with slow
     * modes frozen — every decaying mode is slow.
     */
    NO_DECAYING_MODE,
    /**
     * Hold-out skill: fitted on the first ⌊3K/4⌋ steps, the model predicted h_K with an error above half
     * the error of reusing h_{⌊3K/4⌋} (persistence).
     */
    NO_SKILL,
    /** The shorter window's own estimate lies farther than 0.5·‖ĥ − h_K‖ from ĥ. */
    DISAGREES,
    /** LAPACK reported a failure (SVD or eigen-decomposition did not converge). */
    LAPACK_FAILURE;

    /** True for the reasons that mean "fell back" (everything but {@link #NONE} and {@link #NOT_APPLICABLE}). */
    public boolean isFallback() {
        return this != NONE && this != NOT_APPLICABLE;
    }
}
