package io.hypergrad.common.koopman;

/**
 * The outcome of one global estimate: the estimate itself, the spectrum it came from, and whether it
 * fell back to the last local hypergradient (and why).
 */
public final class KoopmanResult {
    private final double[] estimate;
    private final FallbackReason reason;
    private final String detail;
    private final int rank;
    private final double residual;
    private final Spectrum spectrum;
    private final int[] selectedModes;
    private final int delays;
    private final double instability;

    KoopmanResult(double[] estimate, FallbackReason reason, String detail, int rank, double residual,
                  Spectrum spectrum, int[] selectedModes, int delays, double instability) {
        this.estimate = estimate;
        this.reason = reason;
        this.detail = detail;
        this.rank = rank;
        this.residual = residual;
        this.spectrum = spectrum;
        this.selectedModes = selectedModes;
        this.delays = delays;
        this.instability = instability;
    }

    /** A copy of this result that fell back for the given reason (estimate = the last local one). */
    KoopmanResult asFallback(double[] last, FallbackReason why, String whyDetail, double measured) {
        return new KoopmanResult(last, why, whyDetail, rank, residual, spectrum, new int[0], delays, measured);
    }

    /** A copy of this result with the measured instability recorded. */
    KoopmanResult withInstability(double measured) {
        return new KoopmanResult(estimate, reason, detail, rank, residual, spectrum, selectedModes, delays,
                measured);
    }

    /** The global hypergradient estimate (length H; a copy). On fallback: the last local one. */
    public double[] estimate() {
        return estimate.clone();
    }

    /** True if the estimate is the last local hypergradient because no mode was trustworthy. */
    public boolean fallback() {
        return reason != FallbackReason.NONE;
    }

    /** Why the estimator fell back, or {@link FallbackReason#NONE}. */
    public FallbackReason reason() {
        return reason;
    }

    /** A human-readable explanation (numbers included), empty when there was no fallback. */
    public String detail() {
        return detail;
    }

    /** Kept SVD rank (0 if the fit was not reached). */
    public int rank() {
        return rank;
    }

    /** One-step fit residual ‖Y − AX‖_F/‖Y‖_F (NaN if the fit was not reached). */
    public double residual() {
        return residual;
    }

    /** The DMD spectrum (empty if the fit was not reached). */
    public Spectrum spectrum() {
        return spectrum;
    }

    /** Number of delays d used for the Hankel embedding. */
    public int delays() {
        return delays;
    }

    /**
     * Relative change ‖e' − e‖/‖e‖ of the estimate when the last step of the window is left out
     * (NaN when not measured: the check is disabled or the fit was not reached).
     */
    public double instability() {
        return instability;
    }

    /** Indices into {@link #spectrum()} of the modes summed into the estimate (a copy). */
    public int[] selectedModes() {
        return selectedModes.clone();
    }

    @Override
    public String toString() {
        return "KoopmanResult[d=" + delays + ", rank=" + rank + ", residual=" + residual
                + ", instability=" + instability
                + (fallback() ? ", FALLBACK " + reason + ": " + detail : "")
                + ", modes=" + java.util.Arrays.toString(selectedModes) + "]";
    }
}
