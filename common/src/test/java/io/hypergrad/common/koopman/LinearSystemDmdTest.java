package io.hypergrad.common.koopman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Specification: on an exactly affine-linear trajectory x_{t+1} = A x_t + c, Hankel DMD is exact —
 * its unit mode is the fixed point (I − A)⁻¹ c and its extrapolation is the future of the system.
 *
 * <p>Tolerance 1e-6 relative: the fit is exact in exact arithmetic; what is left is rounding through
 * an SVD, an eigen-decomposition and a least-squares solve on a basis whose conditioning is set by how
 * far the slowest transient (|ρ| = 0.8) has decayed (0.8^40 ≈ 1e-4), i.e. roughly 1e-16 · 1e4 ·
 * small constants — orders of magnitude below 1e-6.
 */
class LinearSystemDmdTest {
    /** A = S · blockdiag(0.5, 0.8·R(0.6)) · S⁻¹: one real eigenvalue and a complex pair 0.8·e^{±0.6i}. */
    static final double[][] A;
    static final double[] C = {1.0, -2.0, 0.5};
    static final double[] X0 = {3.0, 1.0, -1.0};

    static {
        double[][] s = {{1, 0.3, -0.2}, {0.1, 1, 0.4}, {-0.3, 0.2, 1}};
        double r = 0.8;
        double th = 0.6;
        double[][] d = {{0.5, 0, 0}, {0, r * Math.cos(th), -r * Math.sin(th)}, {0, r * Math.sin(th), r * Math.cos(th)}};
        A = Mat.mul(Mat.mul(s, d), Mat.inverse3(s));
    }

    /** x_1..x_steps, with x_1 = X0. */
    static double[][] trajectory(int steps) {
        double[][] x = new double[steps][];
        x[0] = X0.clone();
        for (int t = 1; t < steps; t++) {
            x[t] = next(x[t - 1]);
        }
        return x;
    }

    static double[] next(double[] x) {
        double[] y = Mat.mul(A, x);
        for (int i = 0; i < 3; i++) {
            y[i] += C[i];
        }
        return y;
    }

    static double[] fixedPoint() {
        double[][] ia = new double[3][3];
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                ia[i][j] = (i == j ? 1 : 0) - A[i][j];
            }
        }
        return Mat.mul(Mat.inverse3(ia), C);
    }

    private final KoopmanEstimator dmd = new KoopmanEstimator(KoopmanConfig.defaults().withDelays(2));

    @Test
    void limitIsTheFixedPoint() {
        KoopmanResult r = dmd.limit(Trajectory.of(trajectory(40)));
        assertFalse(r.fallback(), r::toString);
        assertEquals(0, Mat.relErr(r.estimate(), fixedPoint()), 1e-6, r::toString);
        // 3 transients + the constant: d = 2 gives the snapshot space (dim 6) room for all four.
        assertEquals(4, r.rank(), r.spectrum()::toString);
        assertEquals(1, r.selectedModes().length);
    }

    @Test
    void spectrumIsTheSystemsPlusOne() {
        Spectrum s = dmd.limit(Trajectory.of(trajectory(40))).spectrum();
        double[] re = s.real();
        double[] im = s.imaginary();
        double[] mod = s.modulus();
        int unit = 0;
        int half = 0;
        int pair = 0;
        for (int j = 0; j < s.size(); j++) {
            if (Math.hypot(re[j] - 1, im[j]) < 1e-9) {
                unit++;
            } else if (Math.hypot(re[j] - 0.5, im[j]) < 1e-9) {
                half++;
            } else if (Math.abs(mod[j] - 0.8) < 1e-9 && Math.abs(Math.abs(Math.atan2(im[j], re[j])) - 0.6) < 1e-9) {
                pair++;
            }
        }
        assertEquals(1, unit, s::toString);
        assertEquals(1, half, s::toString);
        assertEquals(2, pair, s::toString);
    }

    @Test
    void extrapolationIsTheFuture() {
        int k = 40;
        double[][] x = trajectory(k + 200);
        double[][] window = java.util.Arrays.copyOf(x, k);
        for (int horizon : new int[] {0, 1, 7, 50, 199}) {
            KoopmanResult r = dmd.extrapolate(Trajectory.of(window), horizon);
            assertFalse(r.fallback(), r::toString);
            // x[k - 1] is the last element of the window (h_K); horizon steps later is x[k - 1 + horizon].
            assertEquals(0, Mat.relErr(r.estimate(), x[k - 1 + horizon]), 1e-6, "horizon " + horizon);
        }
    }

    @Test
    void extrapolationWithMoreDelaysStillReadsTheNewestBlock() {
        KoopmanEstimator deep = new KoopmanEstimator(KoopmanConfig.defaults().withDelays(5));
        double[][] x = trajectory(100);
        KoopmanResult r = deep.extrapolate(Trajectory.of(java.util.Arrays.copyOf(x, 40)), 3);
        assertFalse(r.fallback(), r::toString);
        assertEquals(0, Mat.relErr(r.estimate(), x[42]), 1e-6);
        assertEquals(0, Mat.relErr(deep.limit(Trajectory.of(java.util.Arrays.copyOf(x, 40))).estimate(),
                fixedPoint()), 1e-6);
    }

    @Test
    void withoutDelaysTheConstantDoesNotFitAndTheEstimatorSaysSo() {
        // Four exponentials (1, 0.5, 0.8e^{±0.6i}) cannot be modes of a map on R^3: the one-step fit
        // leaves a residual, so the estimator must not pretend.
        KoopmanEstimator flat = new KoopmanEstimator(KoopmanConfig.defaults().withDelays(1));
        KoopmanResult r = flat.limit(Trajectory.of(trajectory(40)));
        double[] fp = fixedPoint();
        assertTrue(r.fallback() || Mat.relErr(r.estimate(), fp) > 1e-3, r::toString);
    }
}
