package io.hypergrad.common.outer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/**
 * Specification: SGD, momentum and Adam reproduce hand-computed steps.
 *
 * <p>Tolerance 1e-15 relative: each expected value is the exact (50-digit) result of the documented
 * formula on the given doubles; the implementation performs at most ~8 roundings of 2^-53 ≈ 1.1e-16
 * each per entry, so it lands within 1e-15 of it. SGD steps are a single multiplication and are
 * compared exactly.
 */
class OptimizersTest {
    static final double TOL = 1e-15;

    static void assertRel(double[] expected, double[] actual) {
        assertEquals(expected.length, actual.length);
        for (int i = 0; i < expected.length; i++) {
            assertEquals(expected[i], actual[i], TOL * Math.abs(expected[i]), "entry " + i);
        }
    }

    @Test
    void sgdStepsAgainstTheGradient() {
        OuterOptimizer sgd = Transforms.sgd(0.5);
        double[] p = {1, 2};
        Update u = sgd.update(new double[] {0.25, -3}, sgd.init(p), p);
        assertArrayEquals(new double[] {-0.125, 1.5}, u.delta(), 0.0);
        assertArrayEquals(new double[] {0.875, 3.5}, u.applyTo(p), 0.0);
        assertEquals(1, u.state().step());
    }

    @Test
    void momentumFollowsThePyTorchConvention() {
        // m1 = g1 = (1, −2), delta1 = −0.1·m1; m2 = 0.9·m1 + g2 = (1.4, −1.3), delta2 = −0.1·m2.
        OuterOptimizer opt = Transforms.sgdMomentum(0.1, 0.9);
        double[] p = {0, 0};
        Update u1 = opt.update(new double[] {1, -2}, opt.init(p), p);
        assertRel(new double[] {-0.1, 0.2}, u1.delta());
        assertArrayEquals(new double[] {1, -2}, u1.state().slot(0), 0.0);
        Update u2 = opt.update(new double[] {0.5, 0.5}, u1.state(), u1.applyTo(p));
        assertRel(new double[] {-0.14, 0.13}, u2.delta());
        assertRel(new double[] {1.4, -1.3}, u2.state().slot(0));
    }

    @Test
    void adamMatchesTheBiasCorrectedFormula() {
        OuterOptimizer adam = Transforms.adam(0.001);
        double[] p = {0, 0};
        Update u1 = adam.update(new double[] {0.1, -0.2}, adam.init(p), p);
        // t = 1: the bias-corrected step is −lr·g/(|g| + eps·…) ≈ −lr·sign(g).
        assertRel(new double[] {-9.99999900000010021e-4, 9.99999950000002521e-4}, u1.delta());
        assertRel(new double[] {9.99999999999999833e-3, -1.99999999999999967e-2}, u1.state().slot(0));
        assertRel(new double[] {1.00000000000000100e-5, 4.00000000000000400e-5}, u1.state().slot(1));
        Update u2 = adam.update(new double[] {-0.3, 0.05}, u1.state(), u1.applyTo(p));
        assertRel(new double[] {4.94189811200667829e-4, 4.69468138995532380e-4}, u2.delta());
        assertRel(new double[] {-2.09999999999999935e-2, -1.29999999999999983e-2}, u2.state().slot(0));
        assertRel(new double[] {9.99900000000000832e-5, 4.24600000000000424e-5}, u2.state().slot(1));
        assertEquals(2, u2.state().step());
    }

    @Test
    void biasCorrectionDoesNotCancel() {
        // 1 − 0.999² = 0.001999 minus the tiny representation error of 0.999; the naive form is off
        // by ~5e-14 relative here, the expm1 form by an ulp. Exact value from 50-digit arithmetic.
        assertEquals(1.99900000000000177458048256085021e-3, Adam.oneMinusPower(0.999, 2),
                2e-16 * 1.999e-3);
        assertEquals(1.0, Adam.oneMinusPower(0.0, 3), 0.0);
    }

    @Test
    void schedulesDriveTheLearningRate() {
        // linear decay 1 → 0 over 4 steps: rates 1, 0.75, 0.5, 0.25, then 0.
        OuterOptimizer opt = Transforms.sgd(Schedules.linearDecay(1.0, 4));
        double[] p = {0};
        OptimizerState s = opt.init(p);
        double[] expected = {1, 0.75, 0.5, 0.25, 0, 0};
        for (double rate : expected) {
            Update u = opt.update(new double[] {-1}, s, p);
            assertEquals(rate, u.delta()[0], 0.0);
            s = u.state();
        }
    }

    @Test
    void updatesDoNotMutateTheirInputs() {
        OuterOptimizer adam = Transforms.adam(0.01);
        double[] p = {1, 2};
        double[] g = {0.3, -0.4};
        OptimizerState s0 = adam.init(p);
        OptimizerState s1 = adam.update(g, s0, p).state();
        adam.update(g, s1, p);
        assertArrayEquals(new double[] {1, 2}, p, 0.0);
        assertArrayEquals(new double[] {0.3, -0.4}, g, 0.0);
        assertEquals(adam.init(p), s0);
        assertEquals(adam.update(g, s0, p).state(), s1, "same inputs, same state (pure)");
    }

    @Test
    void badArgumentsAreRejectedClearly() {
        OuterOptimizer adam = Transforms.adam(0.01);
        double[] p = {1, 2};
        assertThrows(IllegalArgumentException.class, () -> adam.update(new double[3], adam.init(p), p));
        OptimizerState momentumState = Transforms.sgdMomentum(0.1, 0.9).init(p);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> adam.update(new double[2], momentumState, p));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("2 slots"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Transforms.sgdMomentum(0.1, 1.0));
        assertThrows(IllegalArgumentException.class, () -> Transforms.adam(Schedules.constant(0.1), 0.9, 0.999, 0));
        assertThrows(IllegalArgumentException.class, () -> Schedules.constant(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> Schedules.cosineDecay(0.1, 0));
        assertThrows(IllegalArgumentException.class, () -> Transforms.clipByGlobalNorm(0));
    }
}
