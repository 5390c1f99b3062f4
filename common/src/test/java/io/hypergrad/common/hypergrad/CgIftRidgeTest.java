package io.hypergrad.common.hypergrad;

import static io.hypergrad.common.hypergrad.Problems.relativeError;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.inner.Fixtures;
import io.hypergrad.common.inner.InnerOptimizer;
import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.inner.Loss;
import io.hypergrad.common.inner.Objectives;
import io.hypergrad.common.inner.Sgd;
import io.hypergrad.common.nn.Activation;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.Model;
import io.hypergrad.common.nn.Role;
import io.hypergrad.common.random.CounterRng;
import org.junit.jupiter.api.Test;

/**
 * CG-IFT against the exact implicit-function hypergradient on ridge regression: a linear head w on
 * linear features of x with weights λ, trained by SGD with weight decay wd, so w*(λ) minimises
 * MSE(w; λ) + wd‖w‖²/2 — its stationarity is ∇_w MSE + wd·w = 0, with Jacobian H_ww + wd·I.
 */
class CgIftRidgeTest {
    private static final double WD = 0.2;
    private static final int STEPS = 6000;

    private static Batch regression(int n, long seed) {
        CounterRng rng = CounterRng.of(seed);
        double[] x = new double[n * 3];
        double[] y = new double[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            y[i] = x[3 * i] - 0.5 * x[3 * i + 1] + 0.1 * rng.nextGaussian();
        }
        return new Batch(x, new int[] {3}, null, y);
    }

    @Test
    void cgIftIsTheExactImplicitFunctionHypergradientWithTheOptimisersWeightDecay() {
        Model m = Model.mlp(new int[] {3, 4, 1}, Activation.IDENTITY, 1);
        Loss train = new Loss(m.layout(), Objectives.meanSquaredError(m));
        Loss val = new Loss(m.layout(), Objectives.meanSquaredError(m));
        Batch data = regression(20, 41);
        Bilevel p = new Bilevel(train, val, Sgd.constant(m.layout(), 0.1, 0.0, WD), regression(15, 42));
        double[] lambda = Fixtures.init(m, Role.HYPER, 43);
        InnerState z0 = p.optimizer().init(Fixtures.init(m, Role.INNER, 44));
        // The minimiser w*(λ), by gradient descent run to convergence (contraction ≤ 1 − 0.1·0.2 per step).
        java.util.function.Function<double[], double[]> argmin = lam -> {
            InnerState z = z0;
            for (int t = 0; t < STEPS; t++) {
                z = p.optimizer().update(z, lam, data, train);
            }
            return z.w;
        };
        // The exact implicit-function hypergradient: central differences of λ ↦ L_val(w*(λ), λ).
        double[] exact = new double[lambda.length];
        for (int j = 0; j < lambda.length; j++) {
            double[] l = lambda.clone();
            l[j] += 1e-5;
            double up = val.value(argmin.apply(l), InnerOptimizer.modelLambda(l, train), p.valBatch());
            l[j] -= 2e-5;
            double down = val.value(argmin.apply(l), InnerOptimizer.modelLambda(l, train), p.valBatch());
            exact[j] = (up - down) / 2e-5;
        }
        InnerState zStar = new InnerState(argmin.apply(lambda), new double[0][], STEPS);
        CgIft cg = new CgIft(0, 200, 1e-12);
        double[] ift = Episode.hypergradient(p, lambda, zStar, 1, t -> data, cg);
        double err = relativeError(exact, ift);
        assertTrue(err <= 1e-6, "cg-ift vs the implicit-function hypergradient: " + err);
    }
}
