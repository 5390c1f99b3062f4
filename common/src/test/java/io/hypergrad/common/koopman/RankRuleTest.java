package io.hypergrad.common.koopman;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Specification of the rank rule: min(numerical rank at 1e-10, Gavish–Donoho, ⌊pairs/3⌋). */
class RankRuleTest {
    @Test
    void numericalRankDropsRoundingLevelSingularValues() {
        double[] s = {1, 1e-3, 1e-9, 1e-11, 1e-16};
        assertEquals(3, RankRule.rank(s, 100, 5, 1000, false));
    }

    @Test
    void gavishDonohoKeepsWhatStandsOutOfTheNoiseBulk() {
        // A square 10 × 10 matrix: ω(1) = 2.86 (0.56 − 0.95 + 1.82 + 1.43); the median of this
        // spectrum is (1.05 + 1.1)/2 = 1.075, so the threshold is 3.07: the three values above it are kept.
        double[] s = {50, 20, 4, 1.2, 1.1, 1.05, 1.0, 0.95, 0.9, 0.8};
        assertEquals(2.86, RankRule.omega(1), 1e-12);
        assertEquals(1.075, RankRule.median(s), 1e-12);
        assertEquals(3, RankRule.rank(s, 10, 10, 1000, true));
        assertEquals(10, RankRule.rank(s, 10, 10, 1000, false));
        // β → 0 (a tall matrix): ω → 1.43.
        assertEquals(1.43, RankRule.omega(0), 1e-12);
    }

    @Test
    void atLeastThreeSnapshotPairsPerKeptDimension() {
        double[] s = {5, 4, 3, 2, 1};
        assertEquals(3, RankRule.rank(s, 5, 100, 9, false));
        assertEquals(3, RankRule.rank(s, 5, 100, 11, false));
        assertEquals(0, RankRule.rank(s, 5, 100, 2, false));
    }

    @Test
    void nothingToKeep() {
        assertEquals(0, RankRule.rank(new double[0], 0, 0, 100, true));
        assertEquals(0, RankRule.rank(new double[] {0, 0}, 2, 2, 100, true));
        assertEquals(0, RankRule.rank(new double[] {Double.NaN}, 1, 1, 100, true));
    }
}
