package io.hypergrad.common.autodiff;

import static io.hypergrad.common.autodiff.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Losses: exact gradients and HVPs, stability, and clear errors. */
class LossesTest {

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void softmaxCrossEntropyPerExampleAndWeighted(long seed) {
        Random rnd = new Random(seed);
        int n = 1 + rnd.nextInt(5), c = 2 + rnd.nextInt(4);
        double[] z = uniform(rnd, n * c, -3, 3);
        double[] wts = uniform(rnd, n, 0.1, 1);
        int[] y = rnd.ints(n, 0, c).toArray();
        new GradCheck((t, p) -> Ops.add(Losses.meanSoftmaxCrossEntropy(p[0], y),
                Losses.weightedMean(Losses.softmaxCrossEntropy(p[0], y), Ops.sigmoid(p[1]))),
                new double[][] {z, wts}, new int[][] {{n, c}, {n}}).checkAll(seed);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void mseAndSquaredError(long seed) {
        Random rnd = new Random(seed);
        int n = 1 + rnd.nextInt(5), d = 1 + rnd.nextInt(3);
        double[] x = uniform(rnd, n * d, -1, 1);
        double[] target = uniform(rnd, n * d, -1, 1);
        new GradCheck((t, p) -> Ops.add(Losses.mse(Ops.tanh(p[0]), target),
                Ops.mean(Ops.square(Losses.squaredErrorPerExample(p[0], target)))),
                new double[][] {x}, new int[][] {{n, d}}).checkAll(seed);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void binaryCrossEntropyOnLogits(long seed) {
        Random rnd = new Random(seed);
        int n = 1 + rnd.nextInt(6);
        double[] z = uniform(rnd, n, -4, 4);
        int[] y = rnd.ints(n, 0, 2).toArray();
        // through tanh·3 so the logits' own tangents and adjoint tangents both carry curvature
        new GradCheck((t, p) -> Ops.mean(Losses.binaryCrossEntropyWithLogits(Ops.reshape(Ops.scale(Ops.tanh(p[0]), 3), n, 1), y)),
                new double[][] {z}, new int[][] {{n}}).checkAll(seed);
    }

    @Test
    void binaryCrossEntropyMatchesItsDefinitionAndIsStable() {
        Tape tape = new Tape();
        Var z = tape.parameter(new double[] {0.3, -1.2, 800, -800}, 4, 1);
        Var l = Losses.binaryCrossEntropyWithLogits(z, new int[] {1, 0, 0, 0});
        double s = 1 / (1 + Math.exp(-0.3));
        assertEquals(-Math.log(s), l.v[0], 1e-15);
        assertEquals(-Math.log(1 - 1 / (1 + Math.exp(1.2))), l.v[1], 1e-15);
        assertEquals(800.0, l.v[2], 1e-12);
        assertEquals(0.0, l.v[3], 1e-12);
        tape.backward(Ops.sum(l));
        assertEquals(s - 1, z.g[0], 1e-15);
        assertEquals(1.0, z.g[2], 1e-15);
        assertThrows(IllegalArgumentException.class,
                () -> Losses.binaryCrossEntropyWithLogits(new Tape().constant(new double[2], 2), new int[] {0, 2}));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void huberAwayFromItsKinks(long seed) {
        // Residuals drawn from both pieces but at least 0.05 from |r| = 1: central differences with step
        // 1e-5 along a unit-scale direction never straddle a kink, where h'' jumps from 1 to 0.
        Random rnd = new Random(seed);
        int n = 2 + rnd.nextInt(5), d = 1 + rnd.nextInt(3);
        double[] r = new double[n * d];
        for (int i = 0; i < r.length; i++) {
            double m = i % 2 == 0 ? 0.95 * rnd.nextDouble() : 1.05 + 2 * rnd.nextDouble();
            r[i] = rnd.nextBoolean() ? m : -m;
        }
        new GradCheck((t, p) -> Ops.mean(Losses.rowMeans(Losses.huber(p[0]))), new double[][] {r}, new int[][] {{n, d}})
                .checkAll(seed);
    }

    @Test
    void huberIsQuadraticInsideAndLinearOutside() {
        Var h = Losses.huber(new Tape().constant(new double[] {0.5, -1, 3, -2.5}, 4));
        assertEquals(0.125, h.v[0], 0);
        assertEquals(0.5, h.v[1], 0);
        assertEquals(2.5, h.v[2], 0);
        assertEquals(2.0, h.v[3], 0);
    }

    @Test
    void crossEntropyIsStableForHugeLogits() {
        Tape tape = new Tape();
        Var z = tape.parameter(new double[] {1000, 0, -1000, 500}, 2, 2);
        Var l = Losses.softmaxCrossEntropy(z, new int[] {0, 0});
        assertEquals(0.0, l.v[0], 1e-12);
        assertEquals(1500.0, l.v[1], 1e-9);
        tape.backward(Ops.sum(l));
        for (double g : z.g) {
            assertTrue(Double.isFinite(g));
        }
    }

    @Test
    void crossEntropyMatchesLogSumExp() {
        Tape tape = new Tape();
        Var z = tape.constant(new double[] {0.5, -1, 2}, 1, 3);
        double lse = Math.log(Math.exp(0.5) + Math.exp(-1) + Math.exp(2));
        assertEquals(lse + 1, Losses.softmaxCrossEntropy(z, new int[] {1}).v[0], 1e-14);
    }

    @Test
    void labelOutOfRangeNamesTheRow() {
        Tape tape = new Tape();
        Var z = tape.constant(new double[6], 2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Losses.softmaxCrossEntropy(z, new int[] {0, 3}));
        assertTrue(e.getMessage().contains("row 1"), e.getMessage());
    }
}
