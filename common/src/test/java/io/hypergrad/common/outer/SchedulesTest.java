package io.hypergrad.common.outer;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/**
 * Specification of the schedules at a few steps. Tolerance 1e-15 absolute on rates of order 1: one
 * cosine and two roundings; the end points are exact.
 */
class SchedulesTest {
    @Test
    void constant() {
        Schedule s = Schedules.constant(0.3);
        assertEquals(0.3, s.at(0), 0.0);
        assertEquals(0.3, s.at(1_000_000), 0.0);
    }

    @Test
    void linearDecayReachesZeroAtMAndStays() {
        Schedule s = Schedules.linearDecay(2.0, 10);
        assertEquals(2.0, s.at(0), 0.0);
        assertEquals(1.6, s.at(2), 1e-15);
        assertEquals(1.0, s.at(5), 0.0);
        assertEquals(0.2, s.at(9), 1e-15);
        assertEquals(0.0, s.at(10), 0.0);
        assertEquals(0.0, s.at(11), 0.0);
    }

    @Test
    void cosineDecayIsHalfwayAtHalfTime() {
        Schedule s = Schedules.cosineDecay(1.0, 10);
        assertEquals(1.0, s.at(0), 0.0);
        assertEquals(0.5 * (1 + Math.cos(0.2 * Math.PI)), s.at(2), 1e-15); // 0.9045084971874737
        assertEquals(0.9045084971874737, s.at(2), 1e-15);
        assertEquals(0.5, s.at(5), 1e-15);
        assertEquals(0.0, s.at(10), 0.0);
        assertEquals(0.0, s.at(25), 0.0);
    }
}
