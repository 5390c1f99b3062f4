package io.hypergrad.driver.round;

import io.hypergrad.common.problems.FinalTest;
import io.hypergrad.common.problems.Metrics;
import io.hypergrad.common.problems.TableProblem;
import io.hypergrad.driver.model.SavedModel;
import io.hypergrad.driver.output.RunFolder;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The end of a run whose problem has a {@link FinalTest}: the network trained under the initial λ and
 * under the tuned λ, each scored on the test data, side by side in the summary (with what the report
 * plots: a confusion matrix or predicted-against-true values), and the tuned network saved for
 * {@code hypergrad predict} (in group mode: φ and what adapting it to a group takes).
 */
final class FinalTestPhase {
    /** Predicted-against-true pairs kept for the report's plot: enough to see the shape, small enough for the summary. */
    private static final int PLOT_POINTS = 500;
    /** Above this many classes a confusion matrix is no longer read at a glance; it is left out. */
    private static final int MAX_CONFUSION_CLASSES = 30;

    private FinalTestPhase() {}

    /** Runs both tests, saves the tuned network, and returns the summary's {@code test} entry. */
    static Map<String, Object> run(FinalTest problem, double[] initialLambda, double[] initialPhi, double[] lambda, double[] phi,
                                   io.hypergrad.common.config.RunConfig config, RunFolder folder, RoundListener listener) {
        long seed = config.get(io.hypergrad.common.config.RunConfig.SEED);
        int total = 2 * problem.testTasks();
        long started = System.nanoTime();
        int[] done = {0};
        java.util.function.IntConsumer tick = k -> {
            done[0]++;
            double elapsed = (System.nanoTime() - started) / 1e9;
            listener.onPhase("final test (initial λ, then tuned λ)", done[0], total, elapsed / done[0] * (total - done[0]));
        };
        FinalTest.TestResult before = problem.test(initialLambda, initialPhi, seed, tick);
        FinalTest.TestResult after = problem.test(lambda, phi, seed, tick);
        Map<String, Object> t = new LinkedHashMap<>();
        t.put("rows", after.scored().size());
        t.put("tasks", after.tasks());
        t.put("initial", before.metrics());
        t.put("tuned", after.metrics());
        if (problem instanceof TableProblem tp) {
            t.put("headline", Metrics.headline(tp.lossFunction()));
            t.put("plot", plot(tp, after));
            // group mode saves φ, the start every new group adapts from on its own labelled rows
            SavedModel.write(folder, tp, config, tp.groupMode() ? phi : after.w(), lambda);
            t.put("model", SavedModel.FILE);
        }
        return t;
    }

    /** A confusion matrix (classifiers) or a sample of (true, predicted) pairs (regression) of the tuned network. */
    private static Map<String, Object> plot(TableProblem p, FinalTest.TestResult r) {
        Map<String, Object> m = new LinkedHashMap<>();
        int n = r.scored().size();
        if (p.lossFunction().classification()) {
            int classes = p.table().classes().size();
            if (classes <= MAX_CONFUSION_CLASSES) {
                m.put("classes", p.table().classes());
                m.put("confusion", Metrics.confusion(p.lossFunction(), r.outputs(), p.outputs(), r.scored().labels(), classes));
            }
        } else {
            int step = Math.max(1, n / PLOT_POINTS);
            java.util.List<double[]> pairs = new java.util.ArrayList<>();
            for (int i = 0; i < n; i += step) {
                pairs.add(new double[] {r.scored().targets()[i], r.outputs()[i]});
            }
            m.put("trueVsPredicted", pairs);
        }
        return m;
    }
}
