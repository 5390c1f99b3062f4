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

    KoopmanResult(double[] estimate, FallbackReason reason, String detail, int rank, double residual,
                  Spectrum spectrum, int[] selectedModes) {
        this.estimate = estimate;
        this.reason = reason;
        this.detail = detail;
        this.rank = rank;
        this.residual = residual;
        this.spectrum = spectrum;
        this.selectedModes = selectedModes;
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

    /** Indices into {@link #spectrum()} of the modes summed into the estimate (a copy). */
    public int[] selectedModes() {
        return selectedModes.clone();
    }

    @Override
    public String toString() {
        return "KoopmanResult[rank=" + rank + ", residual=" + residual
                + (fallback() ? ", FALLBACK " + reason + ": " + detail : "")
                + ", modes=" + java.util.Arrays.toString(selectedModes) + "]";
    }
}
