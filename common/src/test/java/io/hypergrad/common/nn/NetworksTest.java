package io.hypergrad.common.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hypergrad.common.autodiff.Tape;
import io.hypergrad.common.autodiff.Var;
import io.hypergrad.common.inner.Loss;
import io.hypergrad.common.inner.Objectives;
import io.hypergrad.common.inner.SweepCheck;
import io.hypergrad.common.random.CounterRng;
import org.junit.jupiter.api.Test;

/**
 * The shipped networks: shapes, the w/λ split, and exact gradients and mixed Hessian-vector products of
 * the whole model's loss against central finite differences ({@link SweepCheck}).
 */
class NetworksTest {

    static Batch images(int n, int c, int size, int classes, long seed) {
        CounterRng r = CounterRng.of(seed);
        double[] x = new double[n * c * size * size];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble();
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = i % classes;
        }
        return new Batch(x, new int[] {c, size, size}, y, null);
    }

    @Test
    void conv4HasTheExpectedShapeAndSplit() {
        Model m = Networks.conv4(1, 28, 32, 10, 3);
        Tape t = new Tape();
        ParamLayout l = m.layout();
        Bound p = l.bind(t, l.initialise(Role.INNER, CounterRng.of(1)), null, l.initialise(Role.HYPER, CounterRng.of(2)));
        Var out = m.forward(t, p, images(2, 1, 28, 10, 3));
        assertArrayEquals(new int[] {2, 10}, out.shape());
        // λ: blocks 1–3 (conv 1→32, 32→32, 32→32 with biases, BN γ, β); w: block 4 and the 32→10 head.
        assertEquals((32 * 9 + 32 + 64) + 2 * (32 * 32 * 9 + 32 + 64), l.size(Role.HYPER));
        assertEquals((32 * 32 * 9 + 32 + 64) + (32 * 10 + 10), l.size(Role.INNER));
    }

    @Test
    void warpNetKeepsShapesThroughItsWarpLayers() {
        Model m = Networks.warpNet(1, 28, 8, 5, 3);
        Tape t = new Tape();
        ParamLayout l = m.layout();
        Var out = m.forward(t, l.bind(t, l.initialise(Role.INNER, CounterRng.of(1)), null, l.initialise(Role.HYPER, CounterRng.of(2))),
                images(2, 1, 28, 5, 3));
        assertArrayEquals(new int[] {2, 5}, out.shape());
        assertEquals(3 * 2 * (8 * 8 * 9 + 8), l.size(Role.HYPER));
    }

    static void checkModel(Model m, Batch batch, long seed) {
        Loss loss = new Loss(m.layout(), Objectives.crossEntropy(m));
        double[] w = m.layout().initialise(Role.INNER, CounterRng.of(seed));
        CounterRng r = CounterRng.of(seed + 2);
        double[] u = new double[w.length];
        for (int i = 0; i < u.length; i++) {
            u[i] = r.nextGaussian();
        }
        SweepCheck.assertExact(loss, w, m.layout().initialise(Role.HYPER, CounterRng.of(seed + 1)), u, batch);
    }

    @Test
    void smallConv4IsExactAsAWhole() {
        checkModel(Networks.conv4(1, 16, 4, 3, 3), images(4, 1, 16, 3, 7), 11);
    }

    @Test
    void smallWarpNetIsExactAsAWhole() {
        checkModel(Networks.warpNet(1, 8, 3, 3, 2), images(4, 1, 8, 3, 8), 12);
    }
}
