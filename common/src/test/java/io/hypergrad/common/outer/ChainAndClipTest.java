package io.hypergrad.common.outer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Specification of global-norm clipping and of chaining it in front of an optimiser. Tolerance
 * 1e-15 relative: each entry goes through a norm, a division and one or two multiplications, a few
 * roundings of 1.1e-16 each.
 */
class ChainAndClipTest {
    static void assertRel(double[] expected, double[] actual) {
        OptimizersTest.assertRel(expected, actual);
    }

    @Test
    void clipScalesToTheMaximumNormOnlyAboveIt() {
        OuterOptimizer clip = Transforms.clipByGlobalNorm(1.0);
        double[] p = {0, 0};
        // ‖(3, 4)‖ = 5 → (0.6, 0.8)
        assertRel(new double[] {0.6, 0.8}, clip.update(new double[] {3, 4}, clip.init(p), p).delta());
        OuterOptimizer loose = Transforms.clipByGlobalNorm(5.0);
        assertArrayEquals(new double[] {3, 4}, loose.update(new double[] {3, 4}, loose.init(p), p).delta(), 0.0);
    }

    @Test
    void clipHandlesHugeEntriesWithoutOverflow() {
        OuterOptimizer clip = Transforms.clipByGlobalNorm(1.0);
        double[] p = {0, 0};
        double[] out = clip.update(new double[] {3e200, 4e200}, clip.init(p), p).delta();
        assertRel(new double[] {0.6, 0.8}, out);
    }

    @Test
    void chainFeedsClippedGradientsToMomentum() {
        OuterOptimizer opt = Transforms.chain(Transforms.clipByGlobalNorm(1.0), Transforms.sgdMomentum(0.1, 0.5));
        double[] p = {0, 0};
        OptimizerState s = opt.init(p);
        assertEquals(1, s.slotCount(), "clip has no state, momentum one slot");
        Update u1 = opt.update(new double[] {3, 4}, s, p);          // clipped to (0.6, 0.8) = m1
        assertRel(new double[] {-0.06, -0.08}, u1.delta());
        Update u2 = opt.update(new double[] {0.3, 0}, u1.state(), u1.applyTo(p)); // not clipped
        // m2 = 0.5·(0.6, 0.8) + (0.3, 0) = (0.6, 0.4)
        assertRel(new double[] {0.6, 0.4}, u2.state().slot(0));
        assertRel(new double[] {-0.06, -0.04}, u2.delta());
        assertEquals(2, u2.state().step());
    }

    @Test
    void chainOfOneIsTheOptimiserItself() {
        OuterOptimizer adam = Transforms.adam(0.01);
        OuterOptimizer chained = Transforms.chain(Transforms.adam(0.01));
        double[] p = {1, -1};
        double[] g = {0.2, 0.7};
        assertArrayEquals(adam.update(g, adam.init(p), p).delta(), chained.update(g, chained.init(p), p).delta(), 0.0);
    }
}
