package io.hypergrad.common.problems;

import io.hypergrad.common.nn.Batch;
import java.util.Map;
import java.util.function.IntConsumer;

/**
 * A problem that ends a run the way its user would: trains the network under a λ as it will be used and
 * scores the held-out test data with the metrics its loss calls for. The driver runs it for the initial
 * and the tuned λ and reports both ({@code summary.json}'s {@code test}).
 */
public interface FinalTest {
    /**
     * Trains under λ from φ and scores the test data.
     *
     * @param progress told the number of test tasks done so far (one in HPO mode, one per test group in group mode)
     */
    TestResult test(double[] lambda, double[] phi, long seed, IntConsumer progress);

    /** How many test tasks {@link #test} runs (for progress reports). */
    default int testTasks() {
        return 1;
    }

    /**
     * What a final test measured.
     *
     * @param metrics the metrics by name (loss, accuracy, auc, rmse, mae, r2 — those that fit the loss)
     * @param w       the trained inner weights (of the last test task in group mode)
     * @param outputs the network's outputs on the scored rows, row-major
     * @param scored  the scored rows (labels or targets), in the order of {@code outputs}
     * @param tasks   test tasks run
     */
    record TestResult(Map<String, Double> metrics, double[] w, double[] outputs, Batch scored, int tasks) {}
}
