// Why conf/sinusoid.conf diverged with the paper's outer lr 1e-3: an in-process replica of the round loop
// (meta-batch 10, T = 30, replay of the T online hypergradients through Adam, Reptile on φ; θ fixed
// instead of refitted) that prints, after every round, the top eigenvalue of the head's inner Hessian
// against momentum SGD's stability bound 2(1 + μ)/η. No Spark. Single-file source launch (Java 17):
//   java --add-modules=jdk.incubator.vector -cp "driver/target/hypergrad.jar:driver/target/lib/*" \
//        deploy/examples/SinusoidCurvature.java ESTIMATOR ROUNDS OUTER_LR [REPTILE_STEP] [MOMENTUM] [online|replay] [EVERY] [SEED]
// e.g. ... SinusoidCurvature.java hyperdistill:0.99:0.75 6 1e-3      (diverges in round 3)
//      ... SinusoidCurvature.java hyperdistill:0.99:0.75 6 1e-3 1.0 0.9 online   (λ updated after every inner step)
import io.hypergrad.common.hypergrad.Bilevel;
import io.hypergrad.common.hypergrad.Estimators;
import io.hypergrad.common.hypergrad.HypergradientEstimator;
import io.hypergrad.common.inner.Curvature;
import io.hypergrad.common.inner.InnerOptimizer;
import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.inner.Loss;
import io.hypergrad.common.outer.OptimizerState;
import io.hypergrad.common.outer.OuterOptimizer;
import io.hypergrad.common.outer.Transforms;
import io.hypergrad.common.outer.Update;
import io.hypergrad.common.problems.Sinusoid;
import io.hypergrad.common.problems.Split;
import io.hypergrad.common.problems.Task;
import java.util.Arrays;

public class SinusoidCurvature {
    public static void main(String[] args) throws Exception {
        String estimator = args[0];
        int rounds = Integer.parseInt(args[1]);
        double outerLr = Double.parseDouble(args[2]);
        double reptile = args.length > 3 ? Double.parseDouble(args[3]) : 1.0;
        double mu = args.length > 4 ? Double.parseDouble(args[4]) : 0.9;
        boolean online = args.length > 5 && args[5].equals("online");
        int every = args.length > 6 ? Integer.parseInt(args[6]) : 1;
        long seed = args.length > 7 ? Long.parseLong(args[7]) : 0;
        int tasks = 10, steps = 30;
        double innerLr = 0.01;
        Sinusoid p = new Sinusoid(new int[] {100, 100, 100}, 10, 10, steps, innerLr, mu);
        Loss train = new Loss(p.layout(), p.trainObjective());
        Loss val = new Loss(p.layout(), p.valObjective());
        Loss probe = new Loss(p.layout(), p.trainObjective());
        InnerOptimizer opt = p.newOptimizer();
        double[] lambda = p.initialLambda(seed);
        double[] phi = p.initialPhi(seed);
        OuterOptimizer adam = Transforms.adam(outerLr);
        OptimizerState st = adam.init(lambda);
        java.lang.reflect.Field lf = Class.forName("io.hypergrad.common.hypergrad.AbstractEstimator").getDeclaredField("lambda");
        lf.setAccessible(true);
        double bound = mu > 0 ? Curvature.momentumSgdBound(innerLr, mu) : 2 / innerLr;
        System.out.printf("seed %d, estimator %s, outer Adam lr %g, Reptile step %g, inner momentum %g, %s; bound on the head's curvature %.0f%n",
                seed, estimator, outerLr, reptile, mu, online ? "λ updated after every inner step" : "replay after the episode", bound);
        System.out.printf("round 0: head curvature %.2f%n", curvature(p, probe, lambda, phi, seed, 0));
        if (online && !Estimators.parse(estimator).create().online()) {
            throw new IllegalArgumentException(estimator + " is offline: it has no per-step hypergradients to apply online");
        }
        for (int r = 0; r < rounds; r++) {
            Task[] ts = new Task[tasks];
            HypergradientEstimator[] es = new HypergradientEstimator[tasks];
            InnerState[] z = new InnerState[tasks];
            double[][] rows = new double[steps][lambda.length];
            for (int k = 0; k < tasks; k++) {
                ts[k] = p.task(seed, Split.META_TRAIN, r, k);
                es[k] = Estimators.parse(estimator).create(0.75, k);
                z[k] = opt.init(phi);
                es[k].begin(new Bilevel(train, val, opt, ts[k].valBatch()), lambda, z[k]);
                es[k].drawsBatchesFrom(ts[k]::trainBatch);
            }
            for (int t = 1; t <= steps; t++) {
                for (int k = 0; k < tasks; k++) {
                    InnerState next = opt.update(z[k], lambda, ts[k].trainBatch(t), train);
                    double[] h = es[k].observe(z[k], ts[k].trainBatch(t), next);
                    z[k] = next;
                    if (h != null) {
                        for (int i = 0; i < h.length; i++) {
                            rows[t - 1][i] += h[i] / tasks;
                        }
                    }
                }
                if (online) {
                    Update u = adam.update(rows[t - 1], st, lambda);
                    lambda = u.applyTo(lambda);
                    st = u.state();
                    for (HypergradientEstimator e : es) {
                        lf.set(e, lambda.clone());
                    }
                }
            }
            // The episode's own λ (before this round's replayed outer steps) for its final training loss.
            double trainLoss = 0, maxHead = 0;
            double[] lm = InnerOptimizer.modelLambda(lambda, train);
            double[] step = new double[phi.length];
            for (int k = 0; k < tasks; k++) {
                trainLoss += train.value(z[k].w, lm, ts[k].trainBatch(steps)) / tasks;
                maxHead = Math.max(maxHead, norm(z[k].w));
                for (int i = 0; i < phi.length; i++) {
                    step[i] += (z[k].w[i] - phi[i]) / tasks;
                }
            }
            if (!online) {
                if (!es[0].online()) {
                    rows = new double[1][lambda.length];
                    for (HypergradientEstimator e : es) {
                        double[] h = e.estimate();
                        for (int i = 0; i < h.length; i++) {
                            rows[0][i] += h[i] / tasks;
                        }
                    }
                }
                for (double[] g : rows) {
                    Update u = adam.update(g, st, lambda);
                    lambda = u.applyTo(lambda);
                    st = u.state();
                }
            }
            for (int i = 0; i < phi.length; i++) {
                phi[i] += reptile * step[i];
            }
            if ((r + 1) % every == 0 || r + 1 == rounds || !(trainLoss < 1e3)) {
                System.out.printf("round %d: mean final inner loss %.4g, max |w_T| %.3g, |φ| %.3g, |λ| %.4f, head curvature after the round %.2f%n",
                        r + 1, trainLoss, maxHead, norm(phi), norm(lambda), curvature(p, probe, lambda, phi, seed, r + 1));
            }
        }
    }

    /** The largest top eigenvalue over the next round's first three tasks. */
    static double curvature(Sinusoid p, Loss probe, double[] lambda, double[] phi, long seed, int round) {
        double top = 0;
        for (int k = 0; k < 3; k++) {
            top = Math.max(top, Curvature.topEigenvalue(probe, phi, InnerOptimizer.modelLambda(lambda, probe),
                    p.task(seed, Split.META_TRAIN, round, k).trainBatch(1), 50, k));
        }
        return top;
    }

    static double norm(double[] a) {
        return Math.sqrt(Arrays.stream(a).map(x -> x * x).sum());
    }
}
