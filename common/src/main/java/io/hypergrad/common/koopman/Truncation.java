package io.hypergrad.common.koopman;

/**
 * The SVD rank rule of the DMD: keep the smallest r whose singular values carry a fraction
 * (1 − ε) of the energy Σσ², then drop any kept σ_i below {@code floor · σ_1}.
 *
 * <p>Why both: the energy rule adapts to how much structure the data has, but on an exactly
 * low-rank trajectory rounding leaves singular values at ~1e-16·σ_1 that can still hold a fraction
 * of the tiny residual energy; inverting them (Σ⁻¹ in Ã) would amplify noise into spurious modes.
 * The hard floor removes them whatever ε is.
 */
public final class Truncation {
    private Truncation() {
    }

    /**
     * The kept rank for descending singular values {@code s}.
     *
     * @param s       singular values, descending
     * @param epsilon energy fraction allowed to be discarded, in [0, 1)
     * @param floor   relative floor on σ_i / σ_1, in [0, 1)
     * @return r in [0, s.length]; 0 when s is empty, all zero, or not finite
     */
    public static int rank(double[] s, double epsilon, double floor) {
        if (s.length == 0 || !(s[0] > 0) || !Double.isFinite(s[0])) {
            return 0;
        }
        // Scale by σ_1 before squaring so huge or tiny trajectories neither overflow nor underflow,
        // and accumulate the discarded tail from the small end: summing forward, terms below
        // 1e-16 of the total vanish in rounding and the rule would silently stop near σ/σ_1 ≈ 1e-8.
        double[] tail = new double[s.length + 1];
        for (int i = s.length - 1; i >= 0; i--) {
            double q = s[i] / s[0];
            tail[i] = tail[i + 1] + q * q;
        }
        double allowed = epsilon * tail[0];
        int r = 1;
        while (r < s.length && tail[r] > allowed) {
            r++;
        }
        int aboveFloor = 0;
        while (aboveFloor < s.length && s[aboveFloor] >= floor * s[0] && s[aboveFloor] > 0) {
            aboveFloor++;
        }
        return Math.min(r, aboveFloor);
    }
}
