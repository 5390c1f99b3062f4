package io.hypergrad.common.outer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Specification: NaN/±∞ in a hypergradient is named by step and block, and handled by policy. */
class NonFiniteGuardTest {
    static final Blocks LAYOUT = Blocks.builder().add("log_lr", 2).add("weight_decay", 3).build();
    static final double[] P = {0, 0, 0, 0, 0};
    static final double[] OK = {0.1, 0.2, 0.3, 0.4, 0.5};

    @Test
    void failNamesTheStepBlockIndexAndValue() {
        NonFiniteGuard opt = Transforms.guard(Transforms.adam(0.01), LAYOUT, NonFinitePolicy.FAIL);
        OptimizerState s = opt.init(P);
        s = opt.update(OK, s, P).state();
        s = opt.update(OK, s, P).state();
        OptimizerState atStep2 = s;
        double[] bad = {0.1, 0.2, 0.3, Double.NaN, Double.POSITIVE_INFINITY};
        NonFiniteException e = assertThrows(NonFiniteException.class, () -> opt.update(bad, atStep2, P));
        assertEquals(2, e.step());
        assertEquals("weight_decay", e.block());
        assertEquals(3, e.index());
        assertEquals(1, e.event().indexInBlock());
        assertTrue(Double.isNaN(e.value()));
        assertEquals(2, e.event().count());
        assertTrue(e.getMessage().contains("step 2") && e.getMessage().contains("weight_decay[1]"), e.getMessage());
    }

    @Test
    void skipLeavesStateAndStepAndCounts() {
        List<NonFiniteEvent> seen = new ArrayList<>();
        NonFiniteGuard opt = Transforms.guard(Transforms.adam(0.01), LAYOUT, NonFinitePolicy.SKIP, seen::add);
        OptimizerState s1 = opt.update(OK, opt.init(P), P).state();
        Update skipped = opt.update(new double[] {Double.NaN, 0, 0, 0, 0}, s1, P);
        assertArrayEquals(new double[5], skipped.delta(), 0.0);
        assertEquals(1, skipped.state().step(), "a skipped update does not advance the step");
        for (int i = 1; i < s1.slotCount(); i++) {
            assertArrayEquals(s1.slot(i), skipped.state().slot(i), 0.0, "inner slot " + i);
        }
        assertEquals(new NonFiniteGuard.Counts(1, 0, 0), opt.counts(skipped.state()));
        assertEquals(1, seen.size());
        assertEquals("log_lr", seen.get(0).block());
        assertEquals(1, seen.get(0).step());
        // The next good update is exactly the one that would have followed s1.
        assertArrayEquals(opt.update(OK, s1, P).delta(), opt.update(OK, skipped.state(), P).delta(), 0.0);
    }

    @Test
    void clipSanitisesAndCounts() {
        NonFiniteGuard opt = Transforms.guardClipping(Transforms.sgd(1.0), LAYOUT, 10.0);
        Update u = opt.update(new double[] {Double.NaN, 1, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, 2},
                opt.init(P), P);
        assertArrayEquals(new double[] {0, -1, 10, -10, -2}, u.delta(), 0.0);
        assertEquals(new NonFiniteGuard.Counts(0, 1, 3), opt.counts(u.state()));
        assertEquals(1, u.state().step());
    }

    @Test
    void indicesOutsideEveryBlockAreReportedUnnamed() {
        NonFiniteGuard opt = Transforms.guard(Transforms.sgd(1.0), Blocks.of(new Block("a", 0, 2)), NonFinitePolicy.FAIL);
        NonFiniteException e = assertThrows(NonFiniteException.class,
                () -> opt.update(new double[] {0, 0, 0, Double.NaN, 0}, opt.init(P), P));
        assertEquals(Blocks.UNNAMED, e.block());
        assertEquals(3, e.index());
    }

    @Test
    void overlappingBlocksAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Blocks.of(new Block("a", 0, 3), new Block("b", 2, 2)));
        assertThrows(IllegalArgumentException.class, () -> Transforms.guard(Transforms.sgd(1), LAYOUT, NonFinitePolicy.CLIP));
    }
}
