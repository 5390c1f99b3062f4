package io.hypergrad.common.autodiff;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;

/**
 * Checks a scalar function of parameter tensors against central finite differences: its gradient, its
 * Hessian-vector product (finite differences of the gradient along u) and the symmetry uᵀ(Hv) = vᵀ(Hu).
 *
 * <p>Tolerances: central differences with step h have truncation error O(h²·|f'''|) and round-off
 * O(ε·|f|/h); with h = 1e-5 both are ≈ 1e-10 relative for the smooth, O(1)-scaled functions tested, so a
 * relative error ≤ 1e-6 leaves four digits of margin while still catching any wrong term (a wrong rule
 * gives an O(1) error).
 */
public final class GradCheck {
    /** A scalar loss recorded on a tape from parameter leaves. */
    @FunctionalInterface
    public interface Fn {
        Var apply(Tape tape, Var[] params);
    }

    public static final double STEP = 1e-5;
    public static final double TOL = 1e-6;

    private final Fn fn;
    private final double[][] params;
    private final int[][] shapes;

    public GradCheck(Fn fn, double[][] params, int[][] shapes) {
        this.fn = fn;
        this.params = params;
        this.shapes = shapes;
    }

    /** Value, gradient and (when {@code u} is non-null) H·u with the tangent u on the masked blocks. */
    public Result sweep(double[][] at, double[][] u, boolean[] tangentOn) {
        Tape tape = new Tape();
        Var[] leaves = new Var[at.length];
        for (int i = 0; i < at.length; i++) {
            boolean on = u != null && (tangentOn == null || tangentOn[i]);
            leaves[i] = tape.parameter(at[i], 0, on ? u[i] : null, 0, shapes[i]);
        }
        Var loss = fn.apply(tape, leaves);
        tape.backward(loss);
        Result r = new Result();
        r.value = loss.item();
        r.grad = new double[at.length][];
        r.hvp = new double[at.length][];
        for (int i = 0; i < at.length; i++) {
            r.grad[i] = leaves[i].g.clone();
            r.hvp[i] = leaves[i].gt != null ? leaves[i].gt.clone() : null;
        }
        return r;
    }

    /** What one sweep returns. */
    public static final class Result {
        public double value;
        public double[][] grad;
        public double[][] hvp;
    }

    /** Asserts gradient, full HVP, block HVP (tangent on block 0 only) and symmetry, on a random direction. */
    public void checkAll(long seed) {
        Random rnd = new Random(seed);
        double[][] u = randomLike(rnd);
        double[][] v = randomLike(rnd);
        Result base = sweep(params, null, null);
        assertClose(finiteDifferenceGradient(), base.grad, "gradient");

        Result hu = sweep(params, u, null);
        assertClose(base.grad, hu.grad, "gradient in tangent mode");
        assertClose(finiteDifferenceHvp(u), hu.hvp, "Hessian-vector product");

        if (params.length > 1) {
            boolean[] first = new boolean[params.length];
            first[0] = true;
            Result block = sweep(params, u, first);
            double[][] uFirst = new double[params.length][];
            for (int i = 0; i < params.length; i++) {
                uFirst[i] = i == 0 ? u[i] : new double[params[i].length];
            }
            assertClose(finiteDifferenceHvp(uFirst), block.hvp, "block Hessian-vector product (tangent on block 0)");
        }

        Result hv = sweep(params, v, null);
        double uHv = dot(u, hv.hvp);
        double vHu = dot(v, hu.hvp);
        double scale = Math.max(1e-12, Math.max(Math.abs(uHv), Math.abs(vHu)));
        assertTrue(Math.abs(uHv - vHu) <= 1e-10 * Math.max(1.0, scale),
                "symmetry uᵀ(Hv) = vᵀ(Hu): " + uHv + " vs " + vHu);
    }

    public double[][] finiteDifferenceGradient() {
        double[][] g = new double[params.length][];
        for (int i = 0; i < params.length; i++) {
            g[i] = new double[params[i].length];
            for (int j = 0; j < params[i].length; j++) {
                double[][] p = deepCopy(params);
                p[i][j] += STEP;
                double fp = sweep(p, null, null).value;
                p[i][j] -= 2 * STEP;
                double fm = sweep(p, null, null).value;
                g[i][j] = (fp - fm) / (2 * STEP);
            }
        }
        return g;
    }

    public double[][] finiteDifferenceHvp(double[][] u) {
        double[][] plus = deepCopy(params);
        double[][] minus = deepCopy(params);
        for (int i = 0; i < params.length; i++) {
            for (int j = 0; j < params[i].length; j++) {
                plus[i][j] += STEP * u[i][j];
                minus[i][j] -= STEP * u[i][j];
            }
        }
        double[][] gp = sweep(plus, null, null).grad;
        double[][] gm = sweep(minus, null, null).grad;
        double[][] h = new double[params.length][];
        for (int i = 0; i < params.length; i++) {
            h[i] = new double[params[i].length];
            for (int j = 0; j < h[i].length; j++) {
                h[i][j] = (gp[i][j] - gm[i][j]) / (2 * STEP);
            }
        }
        return h;
    }

    /** Norm-wise relative error ‖a − b‖ / max(‖a‖, ‖b‖, 1e-8) over all blocks. */
    public static double relativeError(double[][] a, double[][] b) {
        double d = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                d += (a[i][j] - b[i][j]) * (a[i][j] - b[i][j]);
                na += a[i][j] * a[i][j];
                nb += b[i][j] * b[i][j];
            }
        }
        return Math.sqrt(d) / Math.max(1e-8, Math.sqrt(Math.max(na, nb)));
    }

    public static void assertClose(double[][] expected, double[][] actual, String what) {
        double err = relativeError(expected, actual);
        assertTrue(err <= TOL, what + ": relative error " + err + " > " + TOL);
    }

    private double[][] randomLike(Random rnd) {
        double[][] u = new double[params.length][];
        for (int i = 0; i < params.length; i++) {
            u[i] = new double[params[i].length];
            for (int j = 0; j < u[i].length; j++) {
                u[i][j] = rnd.nextGaussian();
            }
        }
        return u;
    }

    private static double dot(double[][] a, double[][] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            for (int j = 0; j < a[i].length; j++) {
                s += a[i][j] * b[i][j];
            }
        }
        return s;
    }

    static double[][] deepCopy(double[][] a) {
        double[][] c = new double[a.length][];
        for (int i = 0; i < a.length; i++) {
            c[i] = a[i].clone();
        }
        return c;
    }

    /** Uniform values in [lo, hi), seeded. */
    public static double[] uniform(Random rnd, int n, double lo, double hi) {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = lo + (hi - lo) * rnd.nextDouble();
        }
        return a;
    }
}
