package io.hypergrad.common.koopman;

import java.util.Arrays;

/**
 * The SVD rank rule of the glocal estimator (design §4.1, step 1): keep
 * r = min(numerical rank, Gavish–Donoho hard threshold, ⌊pairs/3⌋).
 *
 * <ul>
 *   <li>Numerical rank: singular values above {@link #NUMERICAL_RANK_TOLERANCE}·σ_1. Below that they
 *       carry rounding, not data; inverting them would turn it into spurious modes.</li>
 *   <li>Gavish–Donoho (2014), noise level unknown: keep σ_i &gt; ω(β)·median σ with
 *       β = min(rows, cols)/max(rows, cols). The median measures the noise bulk, so this keeps what
 *       stands out of mini-batch noise. It needs a bulk to measure: a matrix with a handful of rows
 *       (q small) has none, and the estimator then applies the threshold to the delay-embedded matrix
 *       instead (see {@link KoopmanEstimator}).</li>
 *   <li>⌊pairs/3⌋: the affine fit has r + 1 unknowns per row; at least three snapshot pairs per kept
 *       dimension leave the fit overdetermined, so a hold-out can test it. For one window of K steps
 *       without delays, pairs = K − 1: the brief's ⌊(K − 1)/3⌋. Pooled windows share the cap of one window.</li>
 * </ul>
 */
public final class RankRule {
    /** σ_i/σ_1 below this is rounding: about 1e6 above double precision, far below any signal we model. */
    public static final double NUMERICAL_RANK_TOLERANCE = 1e-10;

    private RankRule() {
    }

    /**
     * The kept rank.
     *
     * @param s             singular values of a rows × cols matrix, descending (min(rows, cols) of them)
     * @param rows          rows of the decomposed matrix
     * @param cols          columns of the decomposed matrix
     * @param pairs         snapshot pairs of one window (pooled windows share the cap of one)
     * @param hardThreshold whether to apply the Gavish–Donoho threshold
     * @return r in [0, s.length]; 0 when s is empty, all zero or not finite, or pairs &lt; 3
     */
    public static int rank(double[] s, int rows, int cols, int pairs, boolean hardThreshold) {
        if (s.length == 0 || !(s[0] > 0) || !Double.isFinite(s[0])) {
            return 0;
        }
        int r = 0;
        while (r < s.length && s[r] > NUMERICAL_RANK_TOLERANCE * s[0]) {
            r++;
        }
        if (hardThreshold) {
            double tau = omega((double) Math.min(rows, cols) / Math.max(rows, cols)) * median(s);
            int above = 0;
            while (above < s.length && s[above] > tau) {
                above++;
            }
            r = Math.min(r, above);
        }
        return Math.min(r, pairs / 3);
    }

    /**
     * Gavish–Donoho's ω(β) ≈ 0.56β³ − 0.95β² + 1.82β + 1.43 for an unknown noise level (their eq. (5);
     * within 0.02 of the exact Marchenko–Pastur value on β ∈ (0, 1]).
     */
    public static double omega(double beta) {
        return 0.56 * beta * beta * beta - 0.95 * beta * beta + 1.82 * beta + 1.43;
    }

    static double median(double[] s) {
        double[] sorted = s.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : 0.5 * (sorted[n / 2 - 1] + sorted[n / 2]);
    }
}
