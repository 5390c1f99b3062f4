package io.hypergrad.driver.experiment;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.hypergrad.Bilevel;
import io.hypergrad.common.hypergrad.Episode;
import io.hypergrad.common.hypergrad.Estimators;
import io.hypergrad.common.hypergrad.HypergradientEstimator;
import io.hypergrad.common.hypergrad.Reverse;
import io.hypergrad.common.hypergrad.ThetaRefit;
import io.hypergrad.common.inner.InnerOptimizer;
import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.inner.Loss;
import io.hypergrad.common.problems.MetaProblem;
import io.hypergrad.common.problems.ProblemFactory;
import io.hypergrad.common.problems.Split;
import io.hypergrad.common.problems.Task;
import io.hypergrad.driver.output.RunFolder;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * Hypergradient quality (HyperDistill's Fig. 3): on one task, the cosine similarity of each estimator's
 * hypergradient — and of its second-order part, the hypergradient minus g^FO — to exact reverse mode at
 * every horizon t = 1…T of an episode. Online estimators give every horizon from one episode; offline
 * ones and the reference are re-run to each horizon.
 */
public final class QualityExperiment {
    private QualityExperiment() {}

    /** Runs it and writes {@code quality.md}, {@code quality.png} and {@code quality-so.png}. */
    public static String run(RunConfig config, int steps, List<String> estimators, RunFolder out, PrintStream log) {
        MetaProblem problem = ProblemFactory.create(config);
        long seed = config.get(RunConfig.SEED);
        Task task = problem.task(seed, Split.META_TRAIN, 0, 0);
        InnerOptimizer opt = problem.newOptimizer();
        Bilevel b = new Bilevel(new Loss(problem.layout(), problem.trainObjective()), new Loss(problem.layout(), problem.valObjective()),
                opt, task.valBatch());
        double[] lambda = problem.initialLambda(seed);
        InnerState z0 = opt.init(problem.initialPhi(seed));
        List<double[]> exact = new ArrayList<>();
        List<double[]> fo = new ArrayList<>();
        InnerState z = z0;
        for (int t = 1; t <= steps; t++) {
            exact.add(Episode.hypergradient(b, lambda, z0, t, task::trainBatch, Reverse.full()));
            z = opt.update(z, lambda, task.trainBatch(t), b.train());
            fo.add(b.valGradient(z.w, lambda).fo());
        }
        log.println("reference: exact reverse mode at horizons 1…" + steps + " (|λ| = " + lambda.length + ")");
        Map<String, double[][]> cos = new LinkedHashMap<>();
        for (String name : estimators) {
            Estimators.Spec spec = Estimators.parse(name);
            double theta = spec.fitsTheta()
                    ? ThetaRefit.fit(ThetaRefit.samples(b, lambda, z0, steps, task::trainBatch, Estimators.gammaOf(name), seed,
                            Double.POSITIVE_INFINITY).require()) : 1.0;
            HypergradientEstimator probe = spec.create(theta, seed);
            List<double[]> traj = new ArrayList<>();
            if (probe.online()) {
                probe.begin(b, lambda, z0);
                traj = Episode.run(b, lambda, z0, steps, task::trainBatch, probe).trajectory();
            } else {
                for (int t = 1; t <= steps; t++) {
                    traj.add(Episode.hypergradient(b, lambda, z0, t, task::trainBatch, spec.create(theta, seed)));
                }
            }
            double[][] c = new double[2][steps];
            for (int t = 0; t < steps; t++) {
                c[0][t] = cosine(traj.get(t), exact.get(t), null);
                c[1][t] = cosine(traj.get(t), exact.get(t), fo.get(t));
            }
            cos.put(name, c);
            log.printf(Locale.ROOT, "%s: cosine at T = %.4f, second-order part %.4f%n", name, c[0][steps - 1], c[1][steps - 1]);
        }
        StringBuilder md = new StringBuilder("| estimator | cos(h, h_exact) mean over t | at t = T | cos of the second-order part, mean | at t = T |\n|---|---|---|---|---|\n");
        cos.forEach((name, c) -> md.append(String.format(Locale.ROOT, "| %s | %.4f | %.4f | %.4f | %.4f |%n", name, mean(c[0]), c[0][steps - 1],
                mean(c[1]), c[1][steps - 1])));
        out.writeText("quality.md", md.toString());
        plot(out, "quality.png", "Cosine similarity to exact reverse mode", cos, 0, steps);
        plot(out, "quality-so.png", "Cosine similarity of the second-order part (h − g^FO)", cos, 1, steps);
        return md.toString();
    }

    private static void plot(RunFolder out, String file, String title, Map<String, double[][]> cos, int which, int steps) {
        XYChart c = new XYChartBuilder().width(760).height(420).title(title).xAxisTitle("inner step t").yAxisTitle("cosine").build();
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        double[] x = new double[steps];
        for (int t = 0; t < steps; t++) {
            x[t] = t + 1;
        }
        cos.forEach((name, v) -> c.addSeries(name, x, v[which]));
        ExperimentReport.writePng(out, file, c);
    }

    /** cos(a − base, b − base), or cos(a, b) without a base; 0 when either is zero. */
    static double cosine(double[] a, double[] b, double[] base) {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            double x = a[i] - (base == null ? 0 : base[i]);
            double y = b[i] - (base == null ? 0 : base[i]);
            ab += x * y;
            aa += x * x;
            bb += y * y;
        }
        return aa == 0 || bb == 0 ? 0 : ab / Math.sqrt(aa * bb);
    }

    private static double mean(double[] a) {
        double s = 0;
        for (double v : a) {
            s += v;
        }
        return s / a.length;
    }
}
