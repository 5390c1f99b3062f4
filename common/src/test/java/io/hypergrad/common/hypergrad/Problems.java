package io.hypergrad.common.hypergrad;

import io.hypergrad.common.inner.Adam;
import io.hypergrad.common.inner.HyperHook;
import io.hypergrad.common.inner.HyperHook.Scope;
import io.hypergrad.common.inner.HyperHook.Transform;
import io.hypergrad.common.inner.InnerOptimizer;
import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.inner.Loss;
import io.hypergrad.common.inner.Objectives;
import io.hypergrad.common.inner.Sgd;
import io.hypergrad.common.inner.Fixtures;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.Model;
import io.hypergrad.common.nn.Role;
import java.util.function.IntFunction;

/** Small seeded bilevel problems for estimator tests, and the unrolled objective F(λ) = L_val(w_T(λ), λ). */
public final class Problems {
    private Problems() {}

    /** Which inner optimiser a test problem uses. */
    public enum Opt { SGD, SGD_MOMENTUM_WD, SGD_HOOKS, ADAM_HOOKS }

    /** A problem instance: the bilevel problem, initial λ and z_0, and the batch schedule. */
    public record Instance(Bilevel problem, double[] lambda, InnerState z0, IntFunction<Batch> batches) {
        /** L_val(w_T(λ'), λ') after T steps from z_0 with λ'. */
        public double unrolled(double[] lam, int steps) {
            InnerState z = z0;
            for (int t = 1; t <= steps; t++) {
                z = problem.optimizer().update(z, lam, batches.apply(t), problem.train());
            }
            return problem.val().value(z.w, io.hypergrad.common.inner.InnerOptimizer.modelLambda(lam, problem.train()),
                    problem.valBatch());
        }

        /** Central finite differences of the unrolled objective, step 1e-5. */
        public double[] finiteDifference(int steps) {
            double[] g = new double[lambda.length];
            for (int j = 0; j < lambda.length; j++) {
                double[] p = lambda.clone();
                p[j] += 1e-5;
                double fp = unrolled(p, steps);
                p[j] -= 2e-5;
                g[j] = (fp - unrolled(p, steps)) / 2e-5;
            }
            return g;
        }
    }

    /** The 3–5–4–3 tanh MLP (first layer λ) on seeded data: three mini-batches cycled, one validation set. */
    public static Instance mlp(Opt opt, long seed) {
        Model model = Fixtures.smallMlp();
        Loss train = new Loss(model.layout(), Objectives.crossEntropy(model));
        Loss val = new Loss(model.layout(), Objectives.crossEntropy(model));
        InnerOptimizer o = switch (opt) {
            case SGD -> Sgd.constant(model.layout(), 0.3, 0.0, 0.0);
            case SGD_MOMENTUM_WD -> Sgd.constant(model.layout(), 0.1, 0.9, 0.01);
            case SGD_HOOKS -> new Sgd(model.layout(), new HyperHook("logLearningRate", Scope.GLOBAL, Transform.EXP, 0.1),
                    new HyperHook("logWeightDecay", Scope.GLOBAL, Transform.EXP, 0.01),
                    HyperHook.constant("momentum", 0.9));
            case ADAM_HOOKS -> new Adam(model.layout(), new HyperHook("logLearningRate", Scope.PER_LAYER, Transform.EXP, 0.02),
                    new HyperHook("logWeightDecay", Scope.GLOBAL, Transform.EXP, 0.01), 0.9, 0.999, 1e-8);
        };
        Batch[] bs = {Fixtures.batch(6, seed * 10 + 1), Fixtures.batch(6, seed * 10 + 2), Fixtures.batch(6, seed * 10 + 3)};
        Bilevel problem = new Bilevel(train, val, o, Fixtures.batch(9, seed * 10 + 4));
        int hm = model.layout().size(Role.HYPER);
        double[] lambda = new double[hm + o.hyperSize()];
        System.arraycopy(Fixtures.init(model, Role.HYPER, seed * 10 + 5), 0, lambda, 0, hm);
        o.initialiseHyper(lambda, hm);
        InnerState z0 = o.init(Fixtures.init(model, Role.INNER, seed * 10 + 6));
        return new Instance(problem, lambda, z0, t -> bs[(t - 1) % bs.length]);
    }

    /** ‖a − b‖ / max(‖a‖, ‖b‖). */
    public static double relativeError(double[] a, double[] b) {
        double d = 0, na = 0, nb = 0;
        for (int i = 0; i < a.length; i++) {
            d += (a[i] - b[i]) * (a[i] - b[i]);
            na += a[i] * a[i];
            nb += b[i] * b[i];
        }
        return Math.sqrt(d) / Math.max(1e-300, Math.sqrt(Math.max(na, nb)));
    }
}
