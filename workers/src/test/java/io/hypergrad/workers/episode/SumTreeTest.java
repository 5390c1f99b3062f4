package io.hypergrad.workers.episode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fixed summation tree: its groups are Spark's slices, it is the plain partition-order sum up to
 * {@value SumTree#FANOUT} partitions, and above that a tree whose groups never exceed the fan-out.
 */
class SumTreeTest {
    @Test
    void groupOfIsTheSliceThatSparkWouldPutTheItemIn() {
        for (int n = 1; n <= 70; n++) {
            for (int m = 1; m <= n; m++) {
                for (int g = 0; g < m; g++) {
                    for (int i = (int) ((long) g * n / m); i < (int) ((long) (g + 1) * n / m); i++) {
                        assertEquals(g, SumTree.groupOf(i, n, m), "item " + i + " of " + n + " in " + m + " slices");
                    }
                }
            }
        }
    }

    @Test
    void upToTheFanOutTheTreeIsThePartitionOrderSum() {
        List<PartialResult> parts = parts(SumTree.FANOUT, 1);
        PartialResult linear = new PartialResult();
        parts.forEach(linear::add);
        PartialResult tree = SumTree.finish(parts, SumTree.FANOUT, true);
        assertEquals(bits(linear.trajectory), bits(tree.trajectory));
        assertEquals(Double.doubleToRawLongBits(linear.valLoss), Double.doubleToRawLongBits(tree.valLoss));
    }

    @Test
    void aboveTheFanOutEveryTaskIsCountedOnceAndTheOrderIsATreeNotALine() {
        List<PartialResult> parts = parts(300, 2);
        PartialResult tree = SumTree.finish(parts, 300, true);
        assertEquals(300, tree.episodes);
        PartialResult linear = new PartialResult();
        parts.forEach(linear::add);
        double worst = 0;
        for (int i = 0; i < linear.trajectory.length; i++) {
            worst = Math.max(worst, Math.abs(linear.trajectory[i] - tree.trajectory[i]) / Math.abs(linear.trajectory[i]));
        }
        // Two orders of 300 additions of numbers of one sign agree to a few hundred ulps at most.
        assertTrue(worst < 1e-13, "relative difference " + worst);
        assertNotEquals(bits(linear.trajectory), bits(tree.trajectory), "a different order gives different last bits (else this test shows nothing)");
        assertEquals(19, SumTree.groupsAbove(300, 300, true), "300 → 19 groups of at most 16");
        assertEquals(2, SumTree.groupsAbove(19, 300, false));
        assertEquals(3, SumTree.groupsAbove(40, 3, true), "one-episode parts regroup into the configured partitions first");
    }

    /** n one-episode parts with random positive trajectories of 64 entries. */
    static List<PartialResult> parts(int n, long seed) {
        Random r = new Random(seed);
        List<PartialResult> parts = new ArrayList<>();
        for (int t = 0; t < n; t++) {
            EpisodeResult e = new EpisodeResult();
            e.task = t;
            e.rows = 1;
            e.trajectory = new double[64];
            for (int i = 0; i < 64; i++) {
                e.trajectory[i] = r.nextDouble();
            }
            e.reptile = new double[0];
            e.valLoss = r.nextDouble();
            PartialResult p = new PartialResult();
            p.add(e);
            parts.add(p);
        }
        return parts;
    }

    static List<Long> bits(double[] a) {
        List<Long> b = new ArrayList<>();
        for (double x : a) {
            b.add(Double.doubleToRawLongBits(x));
        }
        return b;
    }
}
