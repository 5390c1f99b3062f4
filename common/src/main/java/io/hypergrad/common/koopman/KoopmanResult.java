package io.hypergrad.common.koopman;

import java.util.Locale;

/**
 * The outcome of one glocal estimate: the estimate, the fit it came from (rank, delays, spectrum with
 * each mode's fate), the trust test's measurements, and whether it fell back to the last local
 * hypergradient and why.
 *
 * @param estimate      the global hypergradient estimate (length q); h_K on fallback and when not applicable
 * @param reason        {@link FallbackReason#NONE}, {@link FallbackReason#NOT_APPLICABLE}, or why it fell back
 * @param detail        a human-readable explanation with numbers; empty when accepted
 * @param horizon       the remaining horizon R the window was extrapolated to
 * @param windows       how many windows were pooled in the fit
 * @param compressedRank rank kept by the first SVD (0 when the fit was not reached)
 * @param rank          dimension of the fitted state (the number of modes)
 * @param delays        Hankel delays d
 * @param spectrum      the modes of the returned fit (empty when the fit was not reached)
 * @param slowModesExtrapolated whether the returned estimate extrapolates slow modes (false: frozen)
 * @param skill         hold-out error / persistence error of the variant returned or, on fallback, of
 *                      the last variant tried (must be ≤ 0.5); NaN when not measured
 * @param agreement     ‖ĥ_short − ĥ‖ / ‖ĥ − h_K‖ of that variant (must be ≤ 0.5); NaN when not measured
 * @param correction    ‖ĥ − h_K‖ / ‖h_K‖ of that variant (what the estimate changes); NaN when not measured
 */
public record KoopmanResult(double[] estimate, FallbackReason reason, String detail, long horizon, int windows,
                            int compressedRank, int rank, int delays, Spectrum spectrum,
                            boolean slowModesExtrapolated, double skill, double agreement, double correction) {

    /** The estimate (a copy). */
    @Override
    public double[] estimate() {
        return estimate.clone();
    }

    /** True if the estimate is h_K because the extrapolation was not trusted (not when R = 0). */
    public boolean fallback() {
        return reason.isFallback();
    }

    /** True if the estimate is an extrapolation, not h_K. */
    public boolean accepted() {
        return reason == FallbackReason.NONE;
    }

    /** True if the fit has a slow mode (1 − 1/K ≤ |μ| &lt; 1), i.e. the two variants differed. */
    private boolean hasSlowMode() {
        for (int j = 0; j < spectrum.size(); j++) {
            if (spectrum.modeClass(j) == Spectrum.ModeClass.SLOW) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "KoopmanResult[%s, R=%d, windows=%d, d=%d, rank=%d/%d, skill=%.3g, "
                        + "agreement=%.3g, correction=%.3g%s%s]", reason, horizon, windows, delays, compressedRank, rank,
                skill, agreement, correction, accepted() && hasSlowMode() ? (slowModesExtrapolated ? ", slow modes extrapolated"
                        : ", slow modes frozen") : "", detail.isEmpty() ? "" : ": " + detail);
    }
}
