package io.hypergrad.common.koopman;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Specification: when no mode is trustworthy the estimate is the last local hypergradient, exactly,
 * and the result says so and why.
 */
class FallbackTest {
    private final KoopmanEstimator koopman = new KoopmanEstimator();

    static double[][] noise(long seed, int steps, int dim) {
        Random rnd = new Random(seed);
        double[][] h = new double[steps][dim];
        for (double[] row : h) {
            for (int c = 0; c < dim; c++) {
                row[c] = rnd.nextGaussian();
            }
        }
        return h;
    }

    @Test
    void pureNoiseFallsBackToTheLastHypergradient() {
        for (long seed = 1; seed <= 20; seed++) {
            double[][] h = noise(seed, 80, 2);
            for (KoopmanResult r : new KoopmanResult[] {
                koopman.limit(Trajectory.of(h)), koopman.extrapolate(Trajectory.of(h), 1000)}) {
                assertTrue(r.fallback(), "seed " + seed + ": " + r);
                assertArrayEquals(h[79], r.estimate(), 0.0);
            }
        }
    }

    @Test
    void withFewDelaysNoiseLeavesAOneStepResidual() {
        // d = 2, H = 2: 4-dimensional snapshots, 78 pairs — a linear map explains almost none of Y.
        KoopmanEstimator shallow = new KoopmanEstimator(KoopmanConfig.defaults().withDelays(2));
        double[][] h = noise(5, 80, 2);
        KoopmanResult r = shallow.limit(Trajectory.of(h));
        assertEquals(FallbackReason.POOR_FIT, r.reason(), r::toString);
        assertTrue(r.residual() > 0.5, r::toString);
        assertArrayEquals(h[79], r.estimate(), 0.0);
    }

    @Test
    void noiseAroundAConstantIsNotALinearSystemEither() {
        // A large constant makes the one-step residual small relative to ‖Y‖; the instability and
        // unit-mode checks must still refuse to extrapolate noise.
        for (long seed = 1; seed <= 20; seed++) {
            double[][] h = noise(seed, 80, 3);
            for (double[] row : h) {
                for (int c = 0; c < 3; c++) {
                    row[c] = 5 + 0.1 * row[c];
                }
            }
            KoopmanResult r = koopman.limit(Trajectory.of(h));
            assertTrue(r.fallback(), "seed " + seed + ": " + r);
            assertArrayEquals(h[79], r.estimate(), 0.0);
        }
    }

    @Test
    void threeStepWindowFallsBack() {
        double[][] h = Arrays.copyOf(LinearSystemDmdTest.trajectory(3), 3);
        KoopmanResult auto = koopman.limit(Trajectory.of(h));
        assertTrue(auto.fallback(), auto::toString);
        assertArrayEquals(h[2], auto.estimate(), 0.0);

        KoopmanResult tooShort = new KoopmanEstimator(KoopmanConfig.defaults().withDelays(4))
                .extrapolate(Trajectory.of(h), 10);
        assertEquals(FallbackReason.WINDOW_TOO_SHORT, tooShort.reason());
        assertArrayEquals(h[2], tooShort.estimate(), 0.0);
        assertEquals(0, tooShort.spectrum().size());
    }

    @Test
    void underdeterminedWindowFallsBack() {
        // d = 2, K = 4: 3 snapshots, 2 pairs, rank 2 — the fit is exact by construction.
        double[][] h = LinearSystemDmdTest.trajectory(4);
        KoopmanResult r = new KoopmanEstimator(KoopmanConfig.defaults().withDelays(2)).limit(Trajectory.of(h));
        assertEquals(FallbackReason.UNDERDETERMINED, r.reason(), r::toString);
        assertArrayEquals(h[3], r.estimate(), 0.0);
    }

    @Test
    void nonFiniteWindowFallsBack() {
        double[][] h = LinearSystemDmdTest.trajectory(40);
        h[10][1] = Double.NaN;
        KoopmanResult r = koopman.limit(Trajectory.of(h));
        assertEquals(FallbackReason.NON_FINITE, r.reason());
        assertArrayEquals(h[39], r.estimate(), 0.0);
    }

    @Test
    void allZeroWindowHasEmptyRank() {
        KoopmanResult r = koopman.limit(Trajectory.of(new double[30][2]));
        assertEquals(FallbackReason.EMPTY_RANK, r.reason());
        assertArrayEquals(new double[2], r.estimate(), 0.0);
    }

    @Test
    void noUnitModeIsReportedWithTheSpectrum() {
        // A pure decay h_t = 0.9^t v has no constant part: the limit refuses, the spectrum shows 0.9.
        double[][] h = new double[40][2];
        for (int t = 0; t < 40; t++) {
            h[t][0] = Math.pow(0.9, t);
            h[t][1] = -2 * Math.pow(0.9, t);
        }
        KoopmanResult r = koopman.limit(Trajectory.of(h));
        assertEquals(FallbackReason.NO_UNIT_MODE, r.reason(), r::toString);
        assertArrayEquals(h[39], r.estimate(), 0.0);
        assertEquals(0.9, r.spectrum().real()[r.spectrum().closestToOne()], 1e-12);
        // ... while extrapolating it is fine and exact (rounding only).
        KoopmanResult e = koopman.extrapolate(Trajectory.of(h), 10);
        assertTrue(!e.fallback(), e::toString);
        assertEquals(Math.pow(0.9, 49), e.estimate()[0], 1e-12 * Math.pow(0.9, 49) + 1e-15);
    }

    @Test
    void counterCountsFallbacksByReason() {
        FallbackCounter counter = new FallbackCounter();
        counter.record(koopman.limit(Trajectory.of(LinearSystemDmdTest.trajectory(40))));
        counter.record(koopman.limit(Trajectory.of(noise(3, 80, 2))));
        counter.record(koopman.limit(Trajectory.of(new double[30][2])));
        assertEquals(3, counter.calls());
        assertEquals(2, counter.fallbacks());
        assertEquals(1, counter.count(FallbackReason.NONE));
        assertEquals(1, counter.count(FallbackReason.EMPTY_RANK));
        assertEquals(2.0 / 3, counter.fallbackRate(), 1e-15);
    }
}
