package io.hypergrad.common.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.autodiff.Tape;
import io.hypergrad.common.autodiff.Var;
import io.hypergrad.common.inner.Loss;
import io.hypergrad.common.inner.Objectives;
import io.hypergrad.common.inner.SweepResult;
import io.hypergrad.common.random.CounterRng;
import org.junit.jupiter.api.Test;

/**
 * The shipped networks: shapes, the w/λ split, and exact gradients and mixed Hessian-vector products of
 * the whole model's loss against central finite differences (step 1e-5; FD error ≈ 1e-10 relative, so
 * 1e-6 is a safe bound that any wrong rule exceeds by orders of magnitude).
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
        double[] lam = m.layout().initialise(Role.HYPER, CounterRng.of(seed + 1));
        CounterRng r = CounterRng.of(seed + 2);
        double[] u = new double[w.length];
        for (int i = 0; i < u.length; i++) {
            u[i] = r.nextGaussian();
        }
        SweepResult s = loss.sweep(w, u, lam, batch);
        double[] gw = s.gradW.clone(), gl = s.gradLambda.clone(), hw = s.hvpW.clone(), hl = s.hvpLambda.clone();
        double h = 1e-5;
        double[] fdW = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            double[] a = w.clone();
            a[i] += h;
            double fp = loss.value(a, lam, batch);
            a[i] -= 2 * h;
            fdW[i] = (fp - loss.value(a, lam, batch)) / (2 * h);
        }
        double[] fdL = new double[lam.length];
        for (int i = 0; i < lam.length; i++) {
            double[] a = lam.clone();
            a[i] += h;
            double fp = loss.value(w, a, batch);
            a[i] -= 2 * h;
            fdL[i] = (fp - loss.value(w, a, batch)) / (2 * h);
        }
        double[] wp = w.clone(), wm = w.clone();
        for (int i = 0; i < w.length; i++) {
            wp[i] += h * u[i];
            wm[i] -= h * u[i];
        }
        SweepResult plus = loss.sweep(wp, null, lam, batch);
        double[] gwp = plus.gradW.clone(), glp = plus.gradLambda.clone();
        SweepResult minus = loss.sweep(wm, null, lam, batch);
        double[] fdHw = new double[w.length], fdHl = new double[lam.length];
        for (int i = 0; i < w.length; i++) {
            fdHw[i] = (gwp[i] - minus.gradW[i]) / (2 * h);
        }
        for (int i = 0; i < lam.length; i++) {
            fdHl[i] = (glp[i] - minus.gradLambda[i]) / (2 * h);
        }
        assertRel(fdW, gw, "∇_w");
        assertRel(fdL, gl, "∇_λ");
        assertRel(fdHw, hw, "H_ww·u");
        assertRel(fdHl, hl, "H_λw·u");
    }

    static void assertRel(double[] e, double[] a, String what) {
        double d = 0, n = 0;
        for (int i = 0; i < e.length; i++) {
            d += (e[i] - a[i]) * (e[i] - a[i]);
            n += e[i] * e[i];
        }
        double err = Math.sqrt(d) / Math.max(1e-12, Math.sqrt(n));
        assertTrue(err <= 1e-6, what + ": relative error " + err);
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
