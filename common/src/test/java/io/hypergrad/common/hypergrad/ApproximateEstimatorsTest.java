package io.hypergrad.common.hypergrad;

import static io.hypergrad.common.hypergrad.Problems.relativeError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.hypergrad.Problems.Instance;
import io.hypergrad.common.hypergrad.Problems.Opt;
import io.hypergrad.common.inner.Fixtures;
import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.inner.Loss;
import io.hypergrad.common.inner.Objectives;
import io.hypergrad.common.inner.Sgd;
import io.hypergrad.common.nn.Activation;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.Model;
import io.hypergrad.common.nn.Role;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The approximate estimators: their exact special cases, their convergence, their cost. */
class ApproximateEstimatorsTest {
    private static final int T = 8;

    static List<double[]> trajectory(Instance in, HypergradientEstimator e, int steps) {
        e.begin(in.problem(), in.lambda(), in.z0());
        return Episode.run(in.problem(), in.lambda(), in.z0(), steps, in.batches(), e).trajectory();
    }

    @ParameterizedTest
    @EnumSource(Opt.class)
    void hyperDistillWithGammaZeroAndThetaOneIsOneStepAtEveryStep(Opt opt) {
        Instance in = Problems.mlp(opt, 11);
        List<double[]> one = trajectory(in, new OneStep(), T);
        HyperDistill hd = new HyperDistill(0.0, 1.0, 5);
        List<double[]> distilled = trajectory(in, hd, T);
        for (int t = 0; t < T; t++) {
            // The same arithmetic in the same order: only the distilled state's p·z* + (1 − p)·z with
            // p = 0 could differ, and 0·a + 1·b is exact.
            assertTrue(relativeError(one.get(t), distilled.get(t)) <= 1e-12, "step " + (t + 1));
        }
        assertEquals(T, hd.jvps(), "one JVP per step");
    }

    @Test
    void hyperDistillKeepsOneDistilledPointAndDiffersFromOneStepWhenGammaIsPositive() {
        Instance in = Problems.mlp(Opt.SGD_MOMENTUM_WD, 12);
        HyperDistill hd = new HyperDistill(0.9, 1.0, 5);
        List<double[]> traj = trajectory(in, hd, T);
        List<double[]> one = trajectory(in, new OneStep(), T);
        assertTrue(relativeError(one.get(T - 1), traj.get(T - 1)) > 1e-3);
        // D* is a subsampled union: never larger than the largest batch it absorbed (6 examples here).
        assertTrue(hd.distilled().batch().size() <= 6, "D* has " + hd.distilled().batch().size() + " examples");
        for (double v : traj.get(T - 1)) {
            assertTrue(Double.isFinite(v));
        }
    }

    @Test
    void drmadIsReverseWhenThePathIsItsStraightLine() {
        // Over one step the interpolation ŵ_0 = z_0 is exact, so DrMAD must equal reverse mode.
        for (Opt opt : Opt.values()) {
            Instance in = Problems.mlp(opt, 13);
            double[] rev = Episode.hypergradient(in.problem(), in.lambda(), in.z0(), 1, in.batches(), Reverse.full());
            double[] dr = Episode.hypergradient(in.problem(), in.lambda(), in.z0(), 1, in.batches(), new DrMad());
            assertArrayEquals(rev, dr, 1e-14 * Math.max(1, max(rev)), opt.name());
        }
    }

    @Test
    void drmadCostsOneJvpPerStepAndStaysCorrelatedWithReverse() {
        Instance in = Problems.mlp(Opt.SGD, 14);
        DrMad d = new DrMad();
        double[] dr = Episode.hypergradient(in.problem(), in.lambda(), in.z0(), T, in.batches(), d);
        assertEquals(T, d.jvps());
        double[] rev = Episode.hypergradient(in.problem(), in.lambda(), in.z0(), T, in.batches(), Reverse.full());
        // Over 8 small SGD steps the path is nearly straight; a sign error or a wrong interpolation
        // would break the alignment, which is measured here at > 0.99.
        assertTrue(cosine(dr, rev) > 0.95, "cosine " + cosine(dr, rev));
    }

    /** A strongly convex inner problem: softmax regression on tanh features of a λ layer, with weight decay. */
    static Instance convex(double wd) {
        Model m = Model.mlp(new int[] {3, 5, 3}, Activation.TANH, 1);
        Loss train = new Loss(m.layout(), Objectives.crossEntropy(m));
        Loss val = new Loss(m.layout(), Objectives.crossEntropy(m));
        Batch data = Fixtures.batch(12, 21);
        Bilevel p = new Bilevel(train, val, Sgd.constant(m.layout(), 0.5, 0.0, wd), Fixtures.batch(9, 22));
        double[] lambda = Fixtures.init(m, Role.HYPER, 23);
        InnerState z = p.optimizer().init(Fixtures.init(m, Role.INNER, 24));
        for (int t = 0; t < 4000; t++) {
            z = p.optimizer().update(z, lambda, data, train);
        }
        return new Instance(p, lambda, z, t -> data);
    }

    @Test
    void neumannFromAFixedPointIsReverseModeOverNPlusOneSteps() {
        Instance in = convex(0.05);
        for (int n : new int[] {0, 3, 20}) {
            Neumann ne = new Neumann(n, 1);
            double[] g = Episode.hypergradient(in.problem(), in.lambda(), in.z0(), 1, in.batches(), ne);
            assertEquals(n + 1, ne.jvps());
            double[] rev = Episode.hypergradient(in.problem(), in.lambda(), in.z0(), n + 1, in.batches(), Reverse.full());
            // From a fixed point every step has the same A and B, so reverse mode over N + 1 steps is
            // Σ_{i≤N} α·Aⁱ·B exactly; what separates them is how far z_0 is from the fixed point after
            // 4,000 steps (the update's size there is < 1e-12), far below 1e-8.
            assertTrue(relativeError(rev, g) <= 1e-8, "N = " + n + ": " + relativeError(rev, g));
        }
    }

    @Test
    void neumannConvergesToConjugateGradientIftOnAStronglyConvexProblem() {
        double wd = 0.05;
        Instance in = convex(wd);
        CgIft cg = new CgIft(0, 200, 1e-12);
        double[] ift = Episode.hypergradient(in.problem(), in.lambda(), in.z0(), 1, in.batches(), cg);
        assertTrue(cg.residual() <= 1e-10, "CG residual " + cg.residual());
        double previous = Double.MAX_VALUE;
        for (int n : new int[] {5, 50, 2000}) {
            double[] ne = Episode.hypergradient(in.problem(), in.lambda(), in.z0(), 1, in.batches(), new Neumann(n, 1));
            double err = relativeError(ift, ne);
            assertTrue(err < previous, "N = " + n + " did not improve: " + err);
            previous = err;
        }
        // The Neumann series converges geometrically with ratio ρ(A) = 1 − η·λ_min(H + wd) ≤ 1 − 0.5·0.05;
        // after 2,000 terms the remainder is < 0.975^2000 ≈ 1e-22 relative to the first term.
        assertTrue(previous <= 1e-8, "neumann(2000) vs cg-ift: " + previous);
    }

    @Test
    void cgIftRefusesOptimiserHyperparameters() {
        Instance in = Problems.mlp(Opt.SGD_HOOKS, 15);
        assertThrows(IllegalArgumentException.class, () -> new CgIft(0.01, 10, 1e-8).begin(in.problem(), in.lambda(), in.z0()));
    }

    @Test
    void thetaIsTheLeastSquaresSlopeThroughTheOrigin() {
        assertEquals(2.0, ThetaRefit.fit(new ThetaRefit.Samples(new double[] {1, 2, 3}, new double[] {2, 4, 6})), 0.0);
        assertEquals(1.0, ThetaRefit.fit(new ThetaRefit.Samples(new double[] {0, 0}, new double[] {1, 2})), 0.0);
        Instance in = Problems.mlp(Opt.SGD_MOMENTUM_WD, 16);
        ThetaRefit.Samples s = ThetaRefit.samples(in.problem(), in.lambda(), in.z0(), T, in.batches(), 0.9, 3, 1e6).require();
        assertEquals(T, s.x().length);
        double theta = ThetaRefit.fit(s);
        assertTrue(Double.isFinite(theta) && theta != 0, "θ = " + theta);
        for (double x : s.x()) {
            assertTrue(x >= 0);
        }
    }

    @Test
    void theRefitTakesItsJvpsAtTheOnlineEstimatorsAdamStepCounter() {
        // Horizon s = 1 of the refit stands for the online estimator's t = 1, whose distilled state is z_0
        // with Adam's step counter 0; the refit's state is the interpolated ẑ_{T−1}, at the same counter.
        Instance in = Problems.mlp(Opt.ADAM_HOOKS, 17);
        int steps = 8;
        ThetaRefit.Samples s = ThetaRefit.samples(in.problem(), in.lambda(), in.z0(), steps, in.batches(), 0.9, 3, 1e6).require();
        InnerState zT = in.z0();
        for (int t = 1; t <= steps; t++) {
            zT = in.problem().optimizer().update(zT, in.lambda(), in.batches().apply(t), in.problem().train());
        }
        InnerState hat = InnerState.mix(1.0 / steps, in.z0(), zT);
        InnerState atOnlineCounter = new InnerState(hat.w, hat.buffers, 0);
        double[] alpha = in.problem().valGradient(zT.w, in.lambda()).alpha();
        double[] v = Distillation.start(atOnlineCounter, in.batches().apply(steps), steps).jvp(in.problem(), in.lambda(), alpha);
        double norm = 0;
        for (double x : v) {
            norm += x * x;
        }
        assertEquals(Math.sqrt(norm), s.x()[0], 1e-12 * Math.sqrt(norm));
    }

    @Test
    void aDivergingRefitEpisodeGivesNoSamples() {
        Instance in = Problems.mlp(Opt.SGD_MOMENTUM_WD, 16);
        // The loss reads 10¹² times its value from step 5 on; the weights move as before.
        java.util.function.IntFunction<Batch> exploding = step -> {
            io.hypergrad.common.inner.FaultInjection.arm(step >= 5 ? io.hypergrad.common.inner.FaultInjection.Kind.EXPLODE : null);
            return in.batches().apply(step);
        };
        ThetaRefit.Sweep guarded;
        ThetaRefit.Sweep unguarded;
        try {
            guarded = ThetaRefit.samples(in.problem(), in.lambda(), in.z0(), T, exploding, 0.9, 3, 1e6);
            unguarded = ThetaRefit.samples(in.problem(), in.lambda(), in.z0(), T, exploding, 0.9, 3, Double.POSITIVE_INFINITY);
        } finally {
            io.hypergrad.common.inner.FaultInjection.arm(null);
        }
        assertEquals(new EpisodeFault(5, EpisodeFault.DIVERGED, guarded.fault().value()), guarded.fault());
        assertEquals(0, guarded.samples().x().length, "a faulted episode gives no samples");
        ArithmeticException e = assertThrows(ArithmeticException.class, guarded::require);
        assertTrue(e.getMessage().contains("step 5: diverging inner loop"), e.getMessage());
        // Without the divergence check the same episode is sampled as a clean one: the check alone drops it.
        ThetaRefit.Samples clean = ThetaRefit.samples(in.problem(), in.lambda(), in.z0(), T, in.batches(), 0.9, 3, 1e6).require();
        assertArrayEquals(clean.x(), unguarded.require().x(), 0.0);
        assertArrayEquals(clean.y(), unguarded.require().y(), 0.0);
    }

    @Test
    void estimatorNamesParse() {
        assertTrue(Estimators.parse("hyperdistill:0.99").fitsTheta());
        assertTrue(!Estimators.parse("hyperdistill:0.99:1").fitsTheta());
        assertEquals("neumann(5, 2)", Estimators.parse("neumann:5:2").create().name());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Estimators.parse("hyperdistill:1.5"));
        assertTrue(e.getMessage().contains("γ"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> Estimators.parse("magic"));
        assertTrue(e.getMessage().contains("known:"), e.getMessage());
    }

    static double max(double[] a) {
        double m = 0;
        for (double v : a) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    static double cosine(double[] a, double[] b) {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return ab / Math.sqrt(aa * bb);
    }
}
