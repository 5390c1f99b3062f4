package io.hypergrad.common.autodiff;

import static io.hypergrad.common.autodiff.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Convolution, pooling and batch norm: forward against direct definitions, gradient and HVP against
 * central finite differences, symmetry of the Hessian — alone and stacked as a Conv-4 block.
 */
class ConvPoolNormTest {

    static double naiveConv(double[] x, double[] w, double[] b, int c, int h, int wd, int o, int k, int s, int p,
                            int e, int oc, int oy, int ox) {
        double sum = b == null ? 0 : b[oc];
        for (int ci = 0; ci < c; ci++) {
            for (int i = 0; i < k; i++) {
                for (int j = 0; j < k; j++) {
                    int iy = oy * s - p + i;
                    int ix = ox * s - p + j;
                    if (iy >= 0 && iy < h && ix >= 0 && ix < wd) {
                        sum += x[((e * c + ci) * h + iy) * wd + ix] * w[((oc * c + ci) * k + i) * k + j];
                    }
                }
            }
        }
        return sum;
    }

    @ParameterizedTest
    @CsvSource({"1,1", "1,0", "2,1", "2,0", "3,2"})
    void convolutionMatchesTheDirectDefinition(int stride, int pad) {
        Random rnd = new Random(stride * 10 + pad);
        int n = 2, c = 3, h = 7, wd = 6, o = 4, k = 3;
        double[] x = uniform(rnd, n * c * h * wd, -1, 1);
        double[] w = uniform(rnd, o * c * k * k, -1, 1);
        double[] b = uniform(rnd, o, -1, 1);
        Tape t = new Tape();
        Var y = ConvOps.conv2d(t.constant(x, n, c, h, wd), t.constant(w, o, c, k, k), t.constant(b, o), stride, pad);
        int ho = y.dim(2), wo = y.dim(3);
        assertEquals((h + 2 * pad - k) / stride + 1, ho);
        for (int e = 0; e < n; e++) {
            for (int oc = 0; oc < o; oc++) {
                for (int oy = 0; oy < ho; oy++) {
                    for (int ox = 0; ox < wo; ox++) {
                        assertEquals(naiveConv(x, w, b, c, h, wd, o, k, stride, pad, e, oc, oy, ox),
                                y.v[((e * o + oc) * ho + oy) * wo + ox], 1e-12);
                    }
                }
            }
        }
    }

    @ParameterizedTest
    @CsvSource({"1,1,1", "2,1,2", "1,0,3", "2,2,4"})
    void convolutionGradientAndHvpAreExact(int stride, int pad, long seed) {
        Random rnd = new Random(seed);
        int n = 2, c = 2, h = 5, wd = 5, o = 3, k = 3;
        double[] x = uniform(rnd, n * c * h * wd, -1, 1);
        double[] w = uniform(rnd, o * c * k * k, -0.5, 0.5);
        double[] b = uniform(rnd, o, -0.5, 0.5);
        new GradCheck((t, p) -> OpsTest.readout(ConvOps.conv2d(p[1], p[0], p[2], stride, pad), seed),
                new double[][] {w, x, b}, new int[][] {{o, c, k, k}, {n, c, h, wd}, {o}}).checkAll(seed);
    }

    /** Inputs on a grid of distinct values, so every pooling window has a unique maximum well clear of ties. */
    static double[] distinct(Random rnd, int size) {
        double[] a = new double[size];
        int[] perm = rnd.ints(0, Integer.MAX_VALUE).distinct().limit(size).toArray();
        for (int i = 0; i < size; i++) {
            a[i] = (perm[i] % 100_000) / 50_000.0 - 1 + 1e-3 * i;
        }
        return a;
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void poolingGradientAndHvpAreExact(long seed) {
        Random rnd = new Random(seed);
        int n = 2, c = 2, h = 5, w = 4;
        double[] x = distinct(rnd, n * c * h * w);
        new GradCheck((t, p) -> Ops.add(OpsTest.readout(PoolOps.maxPool2d(p[0], 2, 2), seed),
                OpsTest.readout(PoolOps.avgPool2d(p[0], 2, 1), seed + 1)),
                new double[][] {x}, new int[][] {{n, c, h, w}}).checkAll(seed);
    }

    @Test
    void maxPoolPicksTheMaximumAndFloorsTheSize() {
        Tape t = new Tape();
        Var y = PoolOps.maxPool2d(t.constant(new double[] {1, 5, 2, 0, 3, 4, 9, 9, 8, 7, 6, 1, 0, 0, 0, 0, 2, 2, 2, 2}, 1, 1, 4, 5), 2, 2);
        assertEquals(2, y.dim(2));
        assertEquals(2, y.dim(3));
        assertEquals(9, y.v[0]);
        assertEquals(9, y.v[1]);
        assertEquals(6, y.v[2]);
        assertEquals(2, y.v[3]);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void batchNormGradientAndHvpAreExact(long seed) {
        Random rnd = new Random(seed);
        int n = 3, c = 2, h = 2, w = 2;
        double[] x = uniform(rnd, n * c * h * w, -1, 1);
        double[] gamma = uniform(rnd, c, 0.5, 1.5);
        double[] beta = uniform(rnd, c, -0.5, 0.5);
        new GradCheck((t, p) -> OpsTest.readout(Norm.batchNorm(p[0], p[1], p[2], 1e-5), seed),
                new double[][] {x, gamma, beta}, new int[][] {{n, c, h, w}, {c}, {c}}).checkAll(seed);
    }

    /** Batch norm composed of primitives: the definition the fused op must reproduce. */
    static Var composedBatchNorm(Var x, Var gamma, Var beta, double eps) {
        Var mean = Ops.channelMean(x, 1);
        Var centred = Ops.sub(x, Ops.broadcastChannels(mean, x, 1));
        Var inv = Ops.rsqrt(Ops.addScalar(Ops.channelMean(Ops.square(centred), 1), eps));
        return Ops.addChannels(Ops.mulChannels(Ops.mulChannels(centred, inv, 1), gamma, 1), beta, 1);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void fusedBatchNormEqualsItsComposedDefinitionInValueGradientAndHvp(long seed) {
        Random rnd = new Random(seed);
        int n = 3, c = 2, h = 3, w = 2;
        double[][] p = {uniform(rnd, n * c * h * w, -1, 1), uniform(rnd, c, 0.5, 1.5), uniform(rnd, c, -0.5, 0.5)};
        int[][] shapes = {{n, c, h, w}, {c}, {c}};
        double[][] u = {uniform(rnd, n * c * h * w, -1, 1), uniform(rnd, c, -1, 1), uniform(rnd, c, -1, 1)};
        GradCheck.Result fused = new GradCheck((t, q) -> OpsTest.readout(Norm.batchNorm(q[0], q[1], q[2], 1e-5), seed), p, shapes)
                .sweep(p, u, null);
        GradCheck.Result composed = new GradCheck((t, q) -> OpsTest.readout(composedBatchNorm(q[0], q[1], q[2], 1e-5), seed), p, shapes)
                .sweep(p, u, null);
        assertEquals(composed.value, fused.value, 1e-12);
        // Two exact computations of the same derivatives differ only by round-off (≈ 1e-15 relative).
        org.junit.jupiter.api.Assertions.assertTrue(GradCheck.relativeError(composed.grad, fused.grad) < 1e-12);
        org.junit.jupiter.api.Assertions.assertTrue(GradCheck.relativeError(composed.hvp, fused.hvp) < 1e-12);
    }

    @Test
    void batchNormNormalisesEachChannel() {
        Random rnd = new Random(4);
        Tape t = new Tape();
        double[] x = uniform(rnd, 4 * 3 * 5, -3, 7);
        Var y = Norm.batchNorm(t.constant(x, 4, 3, 5), t.constant(new double[] {1, 1, 1}, 3), t.constant(new double[3], 3), 0);
        for (int ch = 0; ch < 3; ch++) {
            double s = 0, s2 = 0;
            for (int e = 0; e < 4; e++) {
                for (int i = 0; i < 5; i++) {
                    double v = y.v[(e * 3 + ch) * 5 + i];
                    s += v;
                    s2 += v * v;
                }
            }
            assertEquals(0, s / 20, 1e-12);
            assertEquals(1, s2 / 20, 1e-12);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void aConvBatchNormReluMaxPoolBlockIsExactAsAWhole(long seed) {
        Random rnd = new Random(seed);
        int n = 3, c = 1, h = 6, w = 6, o = 2;
        double[] x = uniform(rnd, n * c * h * w, 0, 1);
        double[] k = uniform(rnd, o * c * 9, -0.5, 0.5);
        double[] b = uniform(rnd, o, -0.1, 0.1);
        double[] gamma = uniform(rnd, o, 0.5, 1.5);
        double[] beta = uniform(rnd, o, -0.2, 0.2);
        int[] labels = {0, 1, 2};
        double[] head = uniform(rnd, 3 * o * 9, -0.5, 0.5);
        new GradCheck((t, p) -> {
            Var y = ConvOps.conv2d(p[5], p[0], p[1], 1, 1);
            y = Ops.relu(Norm.batchNorm(y, p[2], p[3], 1e-5));
            y = PoolOps.maxPool2d(y, 2, 2);
            return Losses.meanSoftmaxCrossEntropy(Ops.matmul(Ops.flatten(y), p[4], false, true), labels);
        }, new double[][] {k, b, gamma, beta, head, x}, new int[][] {{o, c, 3, 3}, {o}, {o}, {o}, {3, o * 9}, {n, c, h, w}})
                .checkAll(seed);
    }
}
