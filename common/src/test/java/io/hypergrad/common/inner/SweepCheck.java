package io.hypergrad.common.inner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.nn.Batch;

/**
 * Checks one sweep of a loss against central finite differences: ∇_w, ∇_λ (of the value), H_ww·u and
 * H_λw·u (of the gradients along u). Step 1e-5: truncation and round-off are both ≈ 1e-10 relative for
 * these O(1)-scaled losses, so 1e-6 is a safe bound that any wrong rule exceeds by orders of magnitude.
 */
public final class SweepCheck {
    private static final double H = 1e-5;

    private SweepCheck() {}

    /** Asserts the four products of {@code loss.sweep(w, u, λ, batch)} equal their finite differences. */
    public static void assertExact(Loss loss, double[] w, double[] lam, double[] u, Batch batch) {
        SweepResult r = loss.sweep(w, u, lam, batch);
        double[] gw = r.gradW.clone(), gl = r.gradLambda.clone(), hw = r.hvpW.clone(), hl = r.hvpLambda.clone();
        assertEquals(loss.value(w, lam, batch), r.loss, 1e-12 * Math.max(1, Math.abs(r.loss)));
        double[] fdW = new double[w.length];
        for (int i = 0; i < w.length; i++) {
            double[] p = w.clone();
            p[i] += H;
            double fp = loss.value(p, lam, batch);
            p[i] -= 2 * H;
            fdW[i] = (fp - loss.value(p, lam, batch)) / (2 * H);
        }
        double[] fdL = new double[lam.length];
        for (int i = 0; i < lam.length; i++) {
            double[] p = lam.clone();
            p[i] += H;
            double fp = loss.value(w, p, batch);
            p[i] -= 2 * H;
            fdL[i] = (fp - loss.value(w, p, batch)) / (2 * H);
        }
        double[] wp = w.clone(), wm = w.clone();
        for (int i = 0; i < w.length; i++) {
            wp[i] += H * u[i];
            wm[i] -= H * u[i];
        }
        SweepResult plus = loss.sweep(wp, null, lam, batch);
        double[] gwp = plus.gradW.clone(), glp = plus.gradLambda.clone();
        SweepResult minus = loss.sweep(wm, null, lam, batch);
        double[] fdHw = new double[w.length], fdHl = new double[lam.length];
        for (int i = 0; i < w.length; i++) {
            fdHw[i] = (gwp[i] - minus.gradW[i]) / (2 * H);
        }
        for (int i = 0; i < lam.length; i++) {
            fdHl[i] = (glp[i] - minus.gradLambda[i]) / (2 * H);
        }
        assertRel(fdW, gw, "∇_w");
        assertRel(fdL, gl, "∇_λ");
        assertRel(fdHw, hw, "H_ww·u");
        assertRel(fdHl, hl, "H_λw·u");
    }

    static void assertRel(double[] expected, double[] actual, String what) {
        double d = 0, n = 0;
        for (int i = 0; i < expected.length; i++) {
            d += Math.pow(expected[i] - actual[i], 2);
            n += expected[i] * expected[i];
        }
        double err = Math.sqrt(d) / Math.max(1e-12, Math.sqrt(n));
        assertTrue(err <= 1e-6, what + ": relative error " + err);
    }
}
