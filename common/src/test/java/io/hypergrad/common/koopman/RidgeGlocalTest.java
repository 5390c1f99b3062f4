package io.hypergrad.common.koopman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Specification (design §4.1, glocal): on full-batch GD for ridge regression, λ = (log η, log κ), a
 * window of 80 exact local hypergradients recovers the 5,000-step hypergradient through the DMD
 * limit, while the raw 80-step hypergradient is far off.
 *
 * <p>Set-up. n = 50, p = 10. The training Gram matrix XᵀX/n has eigenvalues {0.03} ∪ [0.8, 1.2]
 * (condition number 40; see {@link RidgeProblem#designed}); η = 0.9, κ = 0.005. The GD map
 * I − η(S + κI) then has one slow direction, ρ = 1 − 0.9·0.035 = 0.9685 (relaxation time ≈ 32
 * steps, so 80 steps leave the tρ^t and ρ^t terms of the hypergradient alive), and nine fast ones in
 * [−0.085, 0.28] that die out within the window. After 5,000 steps ρ^5000 ≈ 1e-70: h_5000 is the
 * converged hypergradient, i.e. the μ = 1 mode. Both the limit and the extrapolation to 5,000 are the
 * right model for it; both are checked.
 *
 * <p>Why it is exactly a DMD problem: (w_t, Z_t) evolves affinely and h_t = Z_tᵀ∇L_val(w_t) is
 * bilinear in it, so h_t is a finite sum of exponentials (1, ρ_i, ρ_iρ_j, with Jordan factors t).
 *
 * <p>Tolerances. The brief asks for 1% relative. Measured with the default configuration: seed 42
 * 1.4e-6 (limit) and 1.3e-6 (extrapolation); over seeds 1–20 at most 1.4e-5 (limit) and 5.6e-4
 * (extrapolation), while the raw 80-step error ranges from 11% to 321%. The information separating
 * μ = 1 from ρ = 0.9685 sits in singular values near 1e-12·σ_1, so rounding at that level sets the
 * attainable accuracy. "Far off" means &gt; 10% relative.
 */
class RidgeGlocalTest {
    static final int N = 50;
    static final double ETA = 0.9;
    static final double KAPPA = 0.005;
    static final int WINDOW = 80;
    static final int HORIZON = 5000;

    static double[] spectrum() {
        double[] s = new double[10];
        s[0] = 0.03;
        for (int i = 1; i < 10; i++) {
            s[i] = 0.8 + 0.4 * (i - 1) / 8.0;
        }
        return s;
    }

    private final KoopmanEstimator koopman = new KoopmanEstimator(KoopmanConfig.defaults());

    @Test
    void forwardModeHypergradientMatchesFiniteDifferences() {
        RidgeProblem pr = RidgeProblem.designed(42, N, spectrum(), ETA, KAPPA);
        double[] h = pr.hypergradients(WINDOW)[WINDOW - 1];
        double step = 1e-5;
        double le = Math.log(ETA);
        double lk = Math.log(KAPPA);
        double[] fd = {
            (pr.validationLoss(WINDOW, le + step, lk) - pr.validationLoss(WINDOW, le - step, lk)) / (2 * step),
            (pr.validationLoss(WINDOW, le, lk + step) - pr.validationLoss(WINDOW, le, lk - step)) / (2 * step)};
        // Central differences: truncation O(step²) ≈ 1e-10 relative, rounding ≈ 1e-16/step ≈ 1e-11
        // of the loss scale; 1e-6 leaves a wide margin.
        assertEquals(0, Mat.relErr(fd, h), 1e-6, () -> Arrays.toString(fd) + " vs " + Arrays.toString(h));
    }

    @Test
    void eightyStepWindowRecoversTheFiveThousandStepHypergradient() {
        RidgeProblem pr = RidgeProblem.designed(42, N, spectrum(), ETA, KAPPA);
        double[][] all = pr.hypergradients(HORIZON);
        double[] exact = all[HORIZON - 1];
        Trajectory window = Trajectory.of(Arrays.copyOf(all, WINDOW));
        double[] raw = window.last();

        KoopmanResult limit = koopman.limit(window);
        KoopmanResult extrapolation = koopman.extrapolate(window, HORIZON - WINDOW);

        double rawErr = Mat.relErr(raw, exact);
        double limitErr = Mat.relErr(limit.estimate(), exact);
        double extErr = Mat.relErr(extrapolation.estimate(), exact);
        Spectrum s = limit.spectrum();
        int c = s.closestToOne();
        System.out.printf(Locale.ROOT, "ridge glocal: rho=%s%n  exact(5000)=%s%n  raw(80)=%s relerr=%.3e%n"
                        + "  limit=%s relerr=%.3e (d=%d, rank=%d, residual=%.2e, instability=%.2e, mu=%.15f%+.2ei)%n"
                        + "  extrapolation=%s relerr=%.3e%n%s%n",
                Arrays.toString(pr.contractionFactors()), Arrays.toString(exact), Arrays.toString(raw), rawErr,
                Arrays.toString(limit.estimate()), limitErr, limit.delays(), limit.rank(), limit.residual(),
                limit.instability(), s.real()[c], s.imaginary()[c], Arrays.toString(extrapolation.estimate()),
                extErr, s);

        assertFalse(limit.fallback(), limit::toString);
        assertFalse(extrapolation.fallback(), extrapolation::toString);
        assertTrue(rawErr > 0.10, "the raw 80-step hypergradient should be far off, rel err " + rawErr);
        assertTrue(limitErr < 0.01, "limit rel err " + limitErr);
        assertTrue(extErr < 0.01, "extrapolation rel err " + extErr);
        assertEquals(1, limit.selectedModes().length, s::toString);
        // The slow transient 0.9685 (and its square) must be in the spectrum, not mistaken for 1.
        assertTrue(Arrays.stream(s.modulus()).anyMatch(m -> Math.abs(m - 0.9685) < 1e-3), s::toString);
    }

    @Test
    void holdsAcrossSeeds() {
        for (long seed = 1; seed <= 20; seed++) {
            RidgeProblem pr = RidgeProblem.designed(seed, N, spectrum(), ETA, KAPPA);
            double[][] all = pr.hypergradients(HORIZON);
            double[] exact = all[HORIZON - 1];
            Trajectory window = Trajectory.of(Arrays.copyOf(all, WINDOW));
            KoopmanResult limit = koopman.limit(window);
            KoopmanResult ext = koopman.extrapolate(window, HORIZON - WINDOW);
            String where = "seed " + seed + ": " + limit + " / " + ext;
            assertTrue(Mat.relErr(window.last(), exact) > 0.10, where);
            assertFalse(limit.fallback() || ext.fallback(), where);
            assertTrue(Mat.relErr(limit.estimate(), exact) < 0.01, where);
            assertTrue(Mat.relErr(ext.estimate(), exact) < 0.01, where);
        }
    }

    @Test
    void plainGaussianFeaturesAlsoWork() {
        // No designed spectrum: Gaussian features, one column scaled by 0.2 (condition number ~ 100),
        // η = 0.6, κ = 0.03 (ρ_slow ≈ 0.94, fast ρ spread over [−0.1, 0.7]). Measured errors are
        // ≤ 1e-4 over these seeds; the raw value is not always far off here, so it is not asserted.
        double[] scales = new double[10];
        Arrays.fill(scales, 1.0);
        scales[0] = 0.2;
        for (long seed = 1; seed <= 20; seed++) {
            RidgeProblem pr = RidgeProblem.gaussian(seed, N, scales, 0.6, 0.03);
            double[][] all = pr.hypergradients(HORIZON);
            KoopmanResult limit = koopman.limit(Trajectory.of(Arrays.copyOf(all, WINDOW)));
            assertFalse(limit.fallback(), "seed " + seed + ": " + limit);
            assertTrue(Mat.relErr(limit.estimate(), all[HORIZON - 1]) < 0.01, "seed " + seed + ": " + limit);
        }
    }
}
