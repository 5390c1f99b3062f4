package io.hypergrad.common.problems;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.data.Dataset;
import io.hypergrad.common.nn.Batch;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Optimiser HPO's one long task validates on a fixed batch — the last examples of the training set, the
 * same at every step, window, round and seed — so the local hypergradients of a window (and of every
 * window of a continuing episode) differ by the training trajectory only, never by a redrawn validation
 * sample; and no training batch draws from it.
 */
class OptimizerHpoTest {
    private static final int N = 60;
    private static final int VALIDATION = 12;

    @Test
    void theValidationBatchIsFixedAndDisjointFromTraining() {
        float[] x = new float[N * 4];
        int[] y = new int[N];
        for (int i = 0; i < N; i++) {
            x[i * 4] = i;
            y[i] = i % 3;
        }
        Dataset d = new Dataset("ramp", x, new int[] {4}, y, null, List.of("a", "b", "c"));
        OptimizerHpo p = new OptimizerHpo(ProblemFactory.mlpClassifier(4, 3, 1, 3), d, d, VALIDATION, 5, 0.1, 1e-3, 0.9, 20);
        Batch v = p.task(1, Split.META_TRAIN, 0, 0).valBatch();
        assertEquals(VALIDATION, v.labels().length);
        for (int round = 0; round < 3; round++) {
            for (long seed : new long[] {1, 2}) {
                Task t = p.task(seed, Split.META_TRAIN, round, round);
                assertArrayEquals(v.x(), t.valBatch().x(), 0.0, "round " + round + ", seed " + seed);
                for (int step = 1; step <= 20; step++) {
                    Batch b = t.trainBatch(step);
                    for (int i = 0; i < b.labels().length; i++) {
                        assertTrue(b.x()[i * 4] < N - VALIDATION, "step " + step + " drew validation example " + b.x()[i * 4]);
                    }
                }
            }
        }
        for (int i = 0; i < VALIDATION; i++) {
            assertEquals(N - VALIDATION + i, v.x()[i * 4], 0.0);
        }
    }
}
