package io.hypergrad.common.koopman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Locale;
import org.junit.jupiter.api.Test;

/**
 * Specification (design §4.1, glocal): on full-batch GD for ridge regression, λ = (log η, log κ), a
 * window of 80 exact local hypergradients recovers the 5,000-step hypergradient to 3 digits, while the
 * raw 80-step hypergradient is far off.
 *
 * <p>Set-up. n = 50, p = 10. The training Gram matrix XᵀX/n has eigenvalues {0.03} ∪ [0.8, 1.2]
 * (see {@link RidgeProblem#designed}); η = 0.9, κ = 0.005. The GD map I − η(S + κI) then has one slow
 * direction, ρ = 1 − 0.9·0.035 = 0.9685 (relaxation time ≈ 32 steps, so 80 steps leave the tρ^t and
 * ρ^t terms of the hypergradient alive), and nine fast ones in [−0.085, 0.28] that die out within the
 * window. 0.9685 &lt; 1 − 1/80: the slow direction is a "fast" mode for the estimator and is always
 * extrapolated. The remaining horizon is R = 5,000 − 80.
 *
 * <p>Why it is exactly a Koopman problem: (w_t, Z_t) evolves affinely and h_t = Z_tᵀ∇L_val(w_t) is
 * bilinear in it, so h_t is a finite sum of exponentials (1, ρ_i, ρ_iρ_j, with Jordan factors t).
 *
 * <p>Reference. h_5000 from the forward-mode recursion of {@link RidgeProblem} (checked against central
 * differences below), and checked against the closed-form converged hypergradient
 * ({@link RidgeProblem#convergedHypergradient}): ρ^5000 ≈ 1e-70, so they agree to rounding.
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

    private final KoopmanEstimator koopman = new KoopmanEstimator();

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
    void theFiveThousandStepHypergradientIsTheConvergedOne() {
        RidgeProblem pr = RidgeProblem.designed(42, N, spectrum(), ETA, KAPPA);
        double[] h5000 = pr.hypergradients(HORIZON)[HORIZON - 1];
        double[] closed = pr.convergedHypergradient();
        // 5,000 steps of rounding (≈ 5000 · 1e-16 relative per step, accumulated at worst linearly) ≪ 1e-9.
        assertTrue(Math.abs(h5000[0]) < 1e-9 * Mat.norm(closed), Arrays.toString(h5000));
        assertEquals(0, Mat.relErr(h5000, closed), 1e-9, () -> Arrays.toString(h5000) + " vs " + Arrays.toString(closed));
    }

    @Test
    void eightyStepWindowRecoversTheFiveThousandStepHypergradientToThreeDigits() {
        RidgeProblem pr = RidgeProblem.designed(42, N, spectrum(), ETA, KAPPA);
        double[][] all = pr.hypergradients(HORIZON);
        double[] exact = all[HORIZON - 1];
        Trajectory window = Trajectory.of(Arrays.copyOf(all, WINDOW));

        KoopmanResult r = koopman.estimate(window, HORIZON - WINDOW);

        double rawErr = Mat.relErr(window.last(), exact);
        double err = Mat.relErr(r.estimate(), exact);
        System.out.printf(Locale.ROOT, "ridge glocal: exact(5000)=%s raw(80)=%s relerr=%.3e%n  estimate=%s relerr=%.3e%n  %s%n  %s%n",
                Arrays.toString(exact), Arrays.toString(window.last()), rawErr, Arrays.toString(r.estimate()), err, r,
                r.spectrum());
        assertTrue(r.accepted(), r::toString);
        assertTrue(rawErr > 0.10, "the raw 80-step hypergradient should be far off, rel err " + rawErr);
        // "3 digits": relative error below 5e-4 (the third significant digit is right after rounding).
        assertTrue(err < 5e-4, "relative error " + err + ": " + r);
        // The slow transient 0.9685 must be among the extrapolated modes.
        Spectrum s = r.spectrum();
        boolean found = false;
        for (int j = 0; j < s.size(); j++) {
            found |= Math.abs(s.modulus()[j] - 0.9685) < 1e-3 && s.extrapolated(j);
        }
        assertTrue(found, s::toString);
    }

    @Test
    void holdsAcrossSeeds() {
        double worst = 0;
        for (long seed = 1; seed <= 20; seed++) {
            RidgeProblem pr = RidgeProblem.designed(seed, N, spectrum(), ETA, KAPPA);
            double[][] all = pr.hypergradients(HORIZON);
            double[] exact = all[HORIZON - 1];
            Trajectory window = Trajectory.of(Arrays.copyOf(all, WINDOW));
            KoopmanResult r = koopman.estimate(window, HORIZON - WINDOW);
            double err = Mat.relErr(r.estimate(), exact);
            worst = Math.max(worst, err);
            String where = "seed " + seed + ": err " + err + " raw " + Mat.relErr(window.last(), exact) + " " + r;
            System.out.println(where);
            assertTrue(r.accepted(), where);
            assertTrue(err < 5e-4, where);
        }
        System.out.println("worst over seeds 1-20: " + worst);
    }
}
