package io.hypergrad.common.inner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.inner.HyperHook.Scope;
import io.hypergrad.common.inner.HyperHook.Transform;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.Model;
import io.hypergrad.common.nn.ParamLayout;
import io.hypergrad.common.nn.Role;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * Every inner optimiser's vector-Jacobian products against central finite differences of one update:
 * for random ā, δz, δλ, ā·∂Φ/∂z·δz + ā·∂Φ/∂λ·δλ must equal (ā·Φ(z+hδz, λ+hδλ) − ā·Φ(z−hδz, λ−hδλ))/2h.
 * The state is taken after two real updates so momentum and Adam's moments are non-zero. Tolerance as in
 * {@link LossTest}: 1e-6 relative against ≈ 1e-10 finite-difference error.
 */
class InnerOptimizerTest {
    private static final double H = 1e-5;

    static Stream<Arguments> optimisers() {
        return Stream.of(
                Arguments.of("sgd", (Function<ParamLayout, InnerOptimizer>) l -> Sgd.constant(l, 0.1, 0.0, 0.0)),
                Arguments.of("sgd+momentum+wd", (Function<ParamLayout, InnerOptimizer>) l -> Sgd.constant(l, 0.1, 0.9, 0.01)),
                Arguments.of("sgd global log-lr and log-wd", (Function<ParamLayout, InnerOptimizer>) l -> new Sgd(l,
                        new HyperHook("logLearningRate", Scope.GLOBAL, Transform.EXP, 0.1),
                        new HyperHook("logWeightDecay", Scope.GLOBAL, Transform.EXP, 0.01), null)),
                Arguments.of("sgd momentum, per-layer lr, per-layer wd, global momentum", (Function<ParamLayout, InnerOptimizer>) l -> new Sgd(l,
                        new HyperHook("logLearningRate", Scope.PER_LAYER, Transform.EXP, 0.1),
                        new HyperHook("logWeightDecay", Scope.PER_LAYER, Transform.EXP, 0.01),
                        new HyperHook("momentum", Scope.GLOBAL, Transform.SIGMOID, 0.9))),
                Arguments.of("sgd momentum, per-parameter lr, constant wd, per-layer momentum", (Function<ParamLayout, InnerOptimizer>) l -> new Sgd(l,
                        new HyperHook("logLearningRate", Scope.PER_PARAMETER, Transform.EXP, 0.05),
                        HyperHook.constant("weightDecay", 0.001),
                        new HyperHook("momentum", Scope.PER_LAYER, Transform.SIGMOID, 0.5))),
                Arguments.of("adam", (Function<ParamLayout, InnerOptimizer>) l -> Adam.constant(l, 0.01, 0.0)),
                Arguments.of("adam per-layer lr, global wd", (Function<ParamLayout, InnerOptimizer>) l -> new Adam(l,
                        new HyperHook("logLearningRate", Scope.PER_LAYER, Transform.EXP, 0.01),
                        new HyperHook("logWeightDecay", Scope.GLOBAL, Transform.EXP, 0.01), 0.9, 0.999, 1e-8)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("optimisers")
    void vectorJacobianProductsMatchFiniteDifferencesOfOneUpdate(String name, Function<ParamLayout, InnerOptimizer> make) {
        Model model = Fixtures.smallMlp();
        ParamLayout layout = model.layout();
        Loss loss = new Loss(layout, Objectives.crossEntropy(model));
        InnerOptimizer opt = make.apply(layout);
        int hm = layout.size(Role.HYPER);
        double[] lambda = new double[hm + opt.hyperSize()];
        System.arraycopy(Fixtures.init(model, Role.HYPER, 2), 0, lambda, 0, hm);
        opt.initialiseHyper(lambda, hm);
        Batch b1 = Fixtures.batch(6, 11), b2 = Fixtures.batch(6, 12), b3 = Fixtures.batch(6, 13);
        InnerState z = opt.init(Fixtures.init(model, Role.INNER, 1));
        z = opt.update(opt.update(z, lambda, b1, loss), lambda, b2, loss);

        InnerState abar = randomLike(z, 21);
        InnerState dz = randomLike(z, 22);
        if (dz.buffers.length == 2) {
            // Adam's second moment is tiny ((1−β₂)g² ≈ 1e-5) and must stay positive: move it relative to itself.
            for (int i = 0; i < z.w.length; i++) {
                dz.buffers[1][i] *= z.buffers[1][i];
            }
        }
        double[] dl = Fixtures.gaussian(lambda.length, 23);

        double[] lambdaAdj = new double[lambda.length];
        InnerState zAdj = opt.vjp(z, lambda, b3, abar, loss, lambdaAdj);
        double analytic = zAdj.dot(dz) + dot(lambdaAdj, dl);

        InnerState up = opt.update(shift(z, dz, H), shift(lambda, dl, H), b3, loss);
        InnerState down = opt.update(shift(z, dz, -H), shift(lambda, dl, -H), b3, loss);
        double numeric = (abar.dot(up) - abar.dot(down)) / (2 * H);
        assertEquals(numeric, analytic, 1e-6 * Math.max(1.0, Math.abs(numeric)), name + ": VJP");

        // Forward mode: the JVP along (δz, δλ) must equal the central difference of the whole next state.
        InnerState jvp = opt.jvp(z, lambda, b3, dz, dl, loss);
        InnerState fd = difference(up, down, 2 * H);
        assertEquals(0.0, distance(fd, jvp), 1e-6 * Math.max(1.0, Math.sqrt(fd.dot(fd))), name + ": JVP");
        // The two products are adjoint: ā·(J·δ) = (ā·J)·δ up to round-off.
        assertEquals(analytic, abar.dot(jvp), 1e-10 * Math.max(1.0, Math.abs(analytic)), name + ": adjointness");
    }

    private static InnerState difference(InnerState a, InnerState b, double h) {
        double[][] bs = new double[a.buffers.length][];
        for (int k = 0; k < bs.length; k++) {
            bs[k] = shift(a.buffers[k], b.buffers[k], -1.0);
            for (int i = 0; i < bs[k].length; i++) {
                bs[k][i] /= h;
            }
        }
        double[] w = shift(a.w, b.w, -1.0);
        for (int i = 0; i < w.length; i++) {
            w[i] /= h;
        }
        return new InnerState(w, bs, a.step);
    }

    private static double distance(InnerState a, InnerState b) {
        InnerState d = difference(a, b, 1.0);
        return Math.sqrt(d.dot(d));
    }

    @Test
    void sgdWithMomentumFollowsPyTorchsConvention() {
        Model model = Fixtures.smallMlp();
        Loss loss = new Loss(model.layout(), Objectives.crossEntropy(model));
        double[] lam = Fixtures.init(model, Role.HYPER, 2);
        Sgd opt = Sgd.constant(model.layout(), 0.1, 0.9, 0.01);
        Batch b = Fixtures.batch(5, 1);
        InnerState z0 = opt.init(Fixtures.init(model, Role.INNER, 1));
        InnerState z1 = opt.update(z0, lam, b, loss);
        InnerState z2 = opt.update(z1, lam, b, loss);
        double[] g1 = loss.sweep(z1.w, null, lam, b).gradW;
        for (int i = 0; i < z0.w.length; i++) {
            double m2 = 0.9 * z1.buffers[0][i] + g1[i] + 0.01 * z1.w[i];
            assertEquals(m2, z2.buffers[0][i], 1e-15);
            assertEquals(z1.w[i] - 0.1 * m2, z2.w[i], 1e-15);
        }
        assertEquals(2, z2.step);
    }

    @Test
    void hooksAppendTheirSizesToLambda() {
        Model model = Fixtures.smallMlp();
        ParamLayout layout = model.layout();
        int layers = layout.groups(Role.INNER).size();
        Sgd opt = new Sgd(layout, new HyperHook("logLearningRate", Scope.PER_LAYER, Transform.EXP, 0.1),
                new HyperHook("logWeightDecay", Scope.GLOBAL, Transform.EXP, 0.01), null);
        assertEquals(layers + 1, opt.hyperSize());
        assertEquals(2, layers);
        double[] lam = new double[opt.hyperSize()];
        opt.initialiseHyper(lam, 0);
        assertEquals(Math.log(0.1), lam[0], 1e-15);
        assertEquals(Math.log(0.01), lam[layers], 1e-15);
    }

    private static InnerState randomLike(InnerState z, long seed) {
        double[][] b = new double[z.buffers.length][];
        for (int k = 0; k < b.length; k++) {
            b[k] = Fixtures.gaussian(z.w.length, seed * 10 + k);
        }
        return new InnerState(Fixtures.gaussian(z.w.length, seed), b, z.step);
    }

    private static InnerState shift(InnerState z, InnerState d, double h) {
        double[][] b = new double[z.buffers.length][];
        for (int k = 0; k < b.length; k++) {
            b[k] = shift(z.buffers[k], d.buffers[k], h);
        }
        return new InnerState(shift(z.w, d.w, h), b, z.step);
    }

    private static double[] shift(double[] a, double[] d, double h) {
        double[] o = a.clone();
        for (int i = 0; i < o.length; i++) {
            o[i] += h * d[i];
        }
        return o;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }
}
