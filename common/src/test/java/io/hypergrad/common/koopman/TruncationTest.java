package io.hypergrad.common.koopman;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** Specification of the SVD rank rule and of the trajectory/embedding layout. */
class TruncationTest {
    @Test
    void energyRuleKeepsTheSmallestRankHoldingOneMinusEpsilon() {
        double[] s = {1, 0.5, 0.1, 0.01};
        // energies 1, 0.25, 0.01, 1e-4 (total 1.2601): dropping the last loses 7.9e-5 of it
        assertEquals(3, Truncation.rank(s, 1e-4, 0));
        assertEquals(4, Truncation.rank(s, 1e-5, 0));
        assertEquals(2, Truncation.rank(s, 0.01, 0));
        assertEquals(1, Truncation.rank(s, 0.5, 0));
    }

    @Test
    void floorCapsTheRank() {
        assertEquals(2, Truncation.rank(new double[] {1, 0.5, 0.1, 0.01}, 0, 0.2));
    }

    @Test
    void tinyTailsAreResolvedBeyondDoubleRoundingOfTheTotal() {
        // σ = 1e-10 has energy 1e-20 relative: invisible next to the total, but ε = 1e-21 keeps it.
        double[] s = {1, 1e-10, 1e-12};
        assertEquals(3, Truncation.rank(s, 0, 0));
        assertEquals(2, Truncation.rank(s, 1e-21, 0));
        assertEquals(1, Truncation.rank(s, 1e-19, 0));
    }

    @Test
    void degenerateInputsGiveRankZero() {
        assertEquals(0, Truncation.rank(new double[0], 0, 0));
        assertEquals(0, Truncation.rank(new double[] {0, 0}, 0, 0));
        assertEquals(0, Truncation.rank(new double[] {Double.NaN}, 0, 0));
    }

    @Test
    void hankelSnapshotsStackOldestFirst() {
        Trajectory h = Trajectory.of(new double[][] {{1, 10}, {2, 20}, {3, 30}, {4, 40}});
        double[] x = HankelEmbedding.snapshots(h, 2); // 4 × 3, column-major
        assertEquals(3, HankelEmbedding.snapshotCount(4, 2));
        org.junit.jupiter.api.Assertions.assertArrayEquals(
                new double[] {1, 10, 2, 20, 2, 20, 3, 30, 3, 30, 4, 40}, x, 0.0);
    }

    @Test
    void trajectoryRejectsRaggedRows() {
        assertThrows(IllegalArgumentException.class, () -> Trajectory.of(new double[][] {{1, 2}, {3}}));
        assertThrows(IllegalArgumentException.class, () -> Trajectory.ofFlat(new double[5], 2, 3));
        assertThrows(IllegalArgumentException.class, () -> Trajectory.of(new double[0][]));
    }

    @Test
    void configRejectsOutOfRangeValues() {
        assertThrows(IllegalArgumentException.class, () -> KoopmanConfig.defaults().withDelays(-1));
        assertThrows(IllegalArgumentException.class, () -> KoopmanConfig.defaults().withEnergyTolerance(1));
        assertThrows(IllegalArgumentException.class, () -> KoopmanConfig.defaults().withUnitTolerance(Double.NaN));
        assertEquals(20, KoopmanConfig.defaults().delaysFor(80, 3));
        assertEquals(26, KoopmanConfig.defaults().delaysFor(80, 2));
        assertEquals(1, KoopmanConfig.defaults().delaysFor(20, 10000));
    }
}
