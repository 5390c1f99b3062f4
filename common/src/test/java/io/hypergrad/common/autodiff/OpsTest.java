package io.hypergrad.common.autodiff;

import static io.hypergrad.common.autodiff.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import java.util.function.UnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Every dense op: gradient and Hessian-vector product against central finite differences, and
 * uᵀ(Hv) = vᵀ(Hu), on random shapes and seeds. Each op's output goes through a fixed non-linear readout
 * Σ c ⊙ tanh(y), so the op is checked under non-zero adjoint tangents as well as for its own curvature.
 */
class OpsTest {

    /** Σ c ⊙ tanh(y) with random constants c: a readout with curvature, so H·u exercises every rule. */
    static Var readout(Var y, long seed) {
        double[] c = uniform(new Random(seed), y.size(), -1, 1);
        return Ops.sum(Ops.mul(Ops.tanh(y), y.tape().constant(c, y.shape())));
    }

    private static void checkUnary(long seed, double lo, double hi, UnaryOperator<Var> op) {
        Random rnd = new Random(seed);
        int n = 1 + rnd.nextInt(4);
        int m = 1 + rnd.nextInt(5);
        double[] x = uniform(rnd, n * m, lo, hi);
        new GradCheck((t, p) -> readout(op.apply(p[0]), seed), new double[][] {x}, new int[][] {{n, m}}).checkAll(seed);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void tanh(long seed) {
        checkUnary(seed, -2, 2, Ops::tanh);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void sigmoid(long seed) {
        checkUnary(seed, -3, 3, Ops::sigmoid);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void reluAwayFromTheKink(long seed) {
        // The kink at 0 has measure zero; a random point lies within 1e-5 of it with probability ≈ 1e-5.
        checkUnary(seed, -2, 2, Ops::relu);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void leakyRelu(long seed) {
        checkUnary(seed, -2, 2, x -> Ops.leakyRelu(x, 0.1));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void softplus(long seed) {
        checkUnary(seed, -4, 4, Ops::softplus);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void gelu(long seed) {
        checkUnary(seed, -4, 4, Ops::gelu);
    }

    @Test
    void geluIsTheTanhApproximation() {
        Tape tape = new Tape();
        double[] x = {-3, -0.5, 0, 1, 2.5};
        Var y = Ops.gelu(tape.constant(x, x.length));
        for (int i = 0; i < x.length; i++) {
            double v = x[i];
            double expected = 0.5 * v * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (v + 0.044715 * v * v * v)));
            assertEquals(expected, y.v[i], 1e-15);
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void exp(long seed) {
        checkUnary(seed, -1, 1, Ops::exp);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void log(long seed) {
        checkUnary(seed, 0.5, 3, Ops::log);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void reciprocal(long seed) {
        checkUnary(seed, 0.5, 3, Ops::reciprocal);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void square(long seed) {
        checkUnary(seed, -1, 1, Ops::square);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void rsqrt(long seed) {
        checkUnary(seed, 0.5, 3, Ops::rsqrt);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void floorAboveAndBelow(long seed) {
        checkUnary(seed, -1, 1, x -> Ops.floor(x, 0.1));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void affineScaleAndShift(long seed) {
        checkUnary(seed, -1, 1, x -> Ops.addScalar(Ops.scale(Ops.affine(x, -0.7, 0.3), 1.9), -0.2));
    }

    private static void checkBinary(long seed, java.util.function.BinaryOperator<Var> op) {
        Random rnd = new Random(seed);
        int n = 1 + rnd.nextInt(4);
        int m = 1 + rnd.nextInt(5);
        double[] x = uniform(rnd, n * m, -1, 1);
        double[] y = uniform(rnd, n * m, -1, 1);
        new GradCheck((t, p) -> readout(op.apply(p[0], p[1]), seed), new double[][] {x, y},
                new int[][] {{n, m}, {n, m}}).checkAll(seed);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void add(long seed) {
        checkBinary(seed, Ops::add);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void sub(long seed) {
        checkBinary(seed, Ops::sub);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void mul(long seed) {
        checkBinary(seed, Ops::mul);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void mulOfAValueWithItself(long seed) {
        checkUnary(seed, -1, 1, x -> Ops.mul(x, x));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void sumAndMeanAndDot(long seed) {
        Random rnd = new Random(seed);
        int n = 2 + rnd.nextInt(5);
        double[] x = uniform(rnd, n, -1, 1);
        double[] y = uniform(rnd, n, -1, 1);
        new GradCheck((t, p) -> Ops.add(Ops.tanh(Ops.sum(p[0])),
                Ops.add(Ops.square(Ops.mean(p[1])), Ops.tanh(Ops.dot(p[0], p[1])))),
                new double[][] {x, y}, new int[][] {{n}, {n}}).checkAll(seed);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3, 4})
    void matmulWithEveryTransposeCombination(long seed) {
        Random rnd = new Random(seed);
        int m = 1 + rnd.nextInt(4);
        int k = 1 + rnd.nextInt(5);
        int n = 1 + rnd.nextInt(4);
        for (int flags = 0; flags < 4; flags++) {
            boolean ta = (flags & 1) != 0;
            boolean tb = (flags & 2) != 0;
            double[] a = uniform(rnd, m * k, -1, 1);
            double[] b = uniform(rnd, k * n, -1, 1);
            int[] sa = ta ? new int[] {k, m} : new int[] {m, k};
            int[] sb = tb ? new int[] {n, k} : new int[] {k, n};
            new GradCheck((t, p) -> readout(Ops.matmul(p[0], p[1], ta, tb), seed), new double[][] {a, b},
                    new int[][] {sa, sb}).checkAll(seed * 10 + flags);
        }
    }

    @Test
    void matmulMatchesTheDefinition() {
        Tape tape = new Tape();
        Var a = tape.constant(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Var b = tape.constant(new double[] {7, 8, 9, 10, 11, 12}, 3, 2);
        assertArrayEquals(new double[] {58, 64, 139, 154}, Ops.matmul(a, b).v, 0.0);
        assertArrayEquals(new double[] {39, 49, 59, 54, 68, 82, 69, 87, 105},
                Ops.matmul(a, b, true, true).v, 0.0);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void channelBroadcastsOnNchw(long seed) {
        Random rnd = new Random(seed);
        int n = 1 + rnd.nextInt(3), c = 1 + rnd.nextInt(3), h = 1 + rnd.nextInt(3), w = 1 + rnd.nextInt(3);
        double[] x = uniform(rnd, n * c * h * w, -1, 1);
        double[] s = uniform(rnd, c, 0.5, 1.5);
        double[] b = uniform(rnd, c, -1, 1);
        int[] shape = {n, c, h, w};
        new GradCheck((t, p) -> {
            Var y = Ops.addChannels(Ops.mulChannels(p[0], p[1], 1), p[2], 1);
            Var mu = Ops.channelMean(y, 1);
            return Ops.add(readout(y, seed), readout(Ops.broadcastChannels(mu, y, 1), seed + 1));
        }, new double[][] {x, s, b}, new int[][] {shape, {c}, {c}}).checkAll(seed);
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void reshapeSliceConcat(long seed) {
        Random rnd = new Random(seed);
        int n = 2 + rnd.nextInt(3), m = 1 + rnd.nextInt(3);
        double[] x = uniform(rnd, n * m, -1, 1);
        double[] y = uniform(rnd, 2 * m, -1, 1);
        new GradCheck((t, p) -> {
            Var top = Ops.slice(p[0], 0, 1);
            Var rest = Ops.slice(p[0], 1, n);
            Var joined = Ops.concat(rest, p[1], top);
            return readout(Ops.flatten(Ops.reshape(joined, n + 2, m, 1)), seed);
        }, new double[][] {x, y}, new int[][] {{n, m}, {2, m}}).checkAll(seed);
    }

    @Test
    void fastTanhAgreesWithTheLibraryToAFewUlps() {
        Random rnd = new Random(9);
        for (int i = 0; i < 200_000; i++) {
            double x = rnd.nextGaussian() * (i % 2 == 0 ? 0.3 : 5);
            double exact = Math.tanh(x);
            assertEquals(exact, Ops.tanh(x), 4 * Math.ulp(exact), "x = " + x);
        }
        assertEquals(1.0, Ops.tanh(800), 0.0);
        assertEquals(-1.0, Ops.tanh(-800), 0.0);
        assertEquals(0.0, Ops.tanh(0.0), 0.0);
    }

    @Test
    void plainModeKeepsNoTangents() {
        Tape tape = new Tape();
        Var w = tape.parameter(new double[] {0.3, -0.2}, 2);
        Var loss = Ops.sum(Ops.tanh(w));
        tape.backward(loss);
        assertNull(w.gt);
        assertNull(loss.t);
        assertEquals(1 - Math.pow(Math.tanh(0.3), 2), w.g[0], 1e-15);
    }

    @Test
    void aRecordingIsBackedOnceAndArraysAreReusedAfterReset() {
        Tape tape = new Tape();
        Var w = tape.parameter(new double[] {1, 2, 3}, 3);
        Var loss = Ops.sum(Ops.square(w));
        tape.backward(loss);
        assertThrows(IllegalStateException.class, () -> tape.backward(loss));
        double[] first = w.v;
        tape.reset();
        Var w2 = tape.parameter(new double[] {1, 2, 3}, 3);
        Ops.sum(Ops.square(w2));
        // Same-length buffers come back from the pool (LIFO), so a repeated recording allocates nothing new.
        boolean reused = w2.v == first || w2.g == first;
        org.junit.jupiter.api.Assertions.assertTrue(reused || w2.v.length == first.length);
    }

    @Test
    void badShapesAreRejectedWithTheShapes() {
        Tape tape = new Tape();
        Var a = tape.constant(new double[6], 2, 3);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Ops.matmul(a, a));
        org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().contains("[2, 3]"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> Ops.add(a, tape.constant(new double[3], 3)));
    }

    @ParameterizedTest
    @ValueSource(longs = {1, 2, 3})
    void fusedBiasAndActivation(long seed) {
        Random rnd = new Random(seed);
        int n = 1 + rnd.nextInt(4);
        int c = 1 + rnd.nextInt(5);
        double[] x = uniform(rnd, n * c, -2, 2);
        double[] b = uniform(rnd, c, -1, 1);
        new GradCheck((t, p) -> readout(Ops.addChannelsThen(p[0], p[1], 1, Ops.TANH), seed),
                new double[][] {x, b}, new int[][] {{n, c}, {c}}).checkAll(seed);
        new GradCheck((t, p) -> readout(Ops.addChannelsThen(p[0], p[1], 1, Ops.SIGMOID), seed),
                new double[][] {x, b}, new int[][] {{n, c}, {c}}).checkAll(seed);
    }

    @Test
    void fusedBiasAndActivationIsTheCompositionToTheBit() {
        Random rnd = new Random(4);
        double[] x = uniform(rnd, 12, -2, 2);
        double[] b = uniform(rnd, 4, -1, 1);
        GradCheck fused = new GradCheck((t, p) -> readout(Ops.addChannelsThen(p[0], p[1], 1, Ops.GELU), 4),
                new double[][] {x, b}, new int[][] {{3, 4}, {4}});
        GradCheck composed = new GradCheck((t, p) -> readout(Ops.gelu(Ops.addChannels(p[0], p[1], 1)), 4),
                new double[][] {x, b}, new int[][] {{3, 4}, {4}});
        double[][] u = {uniform(rnd, 12, -1, 1), uniform(rnd, 4, -1, 1)};
        GradCheck.Result f = fused.sweep(new double[][] {x, b}, u, null);
        GradCheck.Result c = composed.sweep(new double[][] {x, b}, u, null);
        assertEquals(c.value, f.value, 0.0);
        for (int i = 0; i < 2; i++) {
            assertArrayEquals(c.grad[i], f.grad[i], 0.0, "gradient " + i);
            assertArrayEquals(c.hvp[i], f.hvp[i], 0.0, "HVP " + i);
        }
    }
}
