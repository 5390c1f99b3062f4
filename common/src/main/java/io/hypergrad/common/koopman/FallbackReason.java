package io.hypergrad.common.koopman;

/**
 * Why a Koopman estimate fell back to the last local hypergradient. {@link #NONE} means it did not.
 */
public enum FallbackReason {
    /** The DMD estimate was used. */
    NONE,
    /** The window has fewer than d + 1 steps, so there are not two delay snapshots to pair up. */
    WINDOW_TOO_SHORT,
    /** The trajectory, or the fitted eigenvalues, modes, amplitudes or estimate, contain NaN or ±∞. */
    NON_FINITE,
    /** The SVD kept no singular value (an all-zero window, or everything under the floor). */
    EMPTY_RANK,
    /**
     * There are not more snapshot pairs than kept modes (plus the configured redundancy): the fit
     * is exact by construction and nothing is left to check it against.
     */
    UNDERDETERMINED,
    /** The one-step fit residual exceeds the configured maximum: the window is not linear dynamics. */
    POOR_FIT,
    /** Limit only: no eigenvalue lies within the tolerance of 1. */
    NO_UNIT_MODE,
    /**
     * Refitting without the last step of the window moved the estimate by more than the configured
     * instability (or that refit itself fell back): the modes are not pinned down by the data.
     */
    UNSTABLE,
    /** LAPACK reported a failure (SVD or eigen-decomposition did not converge). */
    LAPACK_FAILURE
}
