package io.hypergrad.common.data;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Class splits and task samplers: disjoint, deterministic across calls and threads, honest noise rates. */
class SamplersTest {
    /** 20 classes × 30 examples with distinct features. */
    static Dataset synthetic() {
        int n = 600;
        float[] x = new float[n];
        int[] y = new int[n];
        java.util.List<String> names = new java.util.ArrayList<>();
        for (int c = 0; c < 20; c++) {
            names.add("c" + c);
        }
        for (int i = 0; i < n; i++) {
            x[i] = i;
            y[i] = i % 20;
        }
        return new Dataset("synthetic", x, new int[] {1}, y, null, names);
    }

    @Test
    void classSplitsAreDisjointCompleteAndSeeded() {
        ClassSplit s = ClassSplit.of(345, 245, 50, 50, 7);
        Set<Integer> all = new HashSet<>();
        for (int[] part : new int[][] {s.train(), s.val(), s.test()}) {
            for (int c : part) {
                assertTrue(all.add(c), "class " + c + " appears twice");
            }
        }
        assertEquals(345, all.size());
        assertEquals(245, s.train().length);
        assertArrayEquals(s.test(), ClassSplit.of(345, 245, 50, 50, 7).test());
        assertNotEquals(List.of(s.test()), List.of(ClassSplit.of(345, 245, 50, 50, 8).test()));
    }

    @Test
    void aTaskIsTheSameWhereverAndHoweverOftenItIsDrawn() throws Exception {
        TaskSampler ts = new TaskSampler(synthetic());
        int[] pool = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        TaskSampler.Sampled a = ts.sample(pool, 5, 3, 4, 0.2, 1, 2, 3);
        ExecutorService ex = Executors.newFixedThreadPool(4);
        try {
            List<Future<TaskSampler.Sampled>> fs = new java.util.ArrayList<>();
            for (int i = 0; i < 16; i++) {
                fs.add(ex.submit(() -> new TaskSampler(synthetic()).sample(pool, 5, 3, 4, 0.2, 1, 2, 3)));
            }
            for (Future<TaskSampler.Sampled> f : fs) {
                TaskSampler.Sampled b = f.get();
                assertArrayEquals(a.trainIndex(), b.trainIndex());
                assertArrayEquals(a.trainLabel(), b.trainLabel());
                assertArrayEquals(a.valIndex(), b.valIndex());
            }
        } finally {
            ex.shutdown();
        }
        assertNotEquals(List.of(a.trainIndex()), List.of(ts.sample(pool, 5, 3, 4, 0.2, 1, 2, 4).trainIndex()));
    }

    @Test
    void trainAndValidationExamplesAreDisjointAndFromTheChosenClasses() {
        Dataset d = synthetic();
        TaskSampler.Sampled t = new TaskSampler(d).sample(new int[] {3, 5, 7, 9}, 4, 15, 15, 0.0, 9);
        Set<Integer> seen = new HashSet<>();
        for (int i : t.trainIndex()) {
            assertTrue(seen.add(i));
        }
        for (int i : t.valIndex()) {
            assertTrue(seen.add(i), "example " + i + " is in both splits");
        }
        for (int k = 0; k < t.valIndex().length; k++) {
            int cls = d.labels()[t.valIndex()[k]];
            assertTrue(cls == 3 || cls == 5 || cls == 7 || cls == 9);
        }
        assertEquals(0, t.corrupted());
    }

    @Test
    void labelNoiseHitsTheRequestedRateAndNeverKeepsTheLabel() {
        Dataset d = synthetic();
        TaskSampler ts = new TaskSampler(d);
        int total = 0;
        int changed = 0;
        for (int k = 0; k < 200; k++) {
            TaskSampler.Sampled clean = ts.sample(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 10, 10, 5, 0.0, 5, k);
            TaskSampler.Sampled noisy = ts.sample(new int[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, 10, 10, 5, 0.4, 5, k);
            assertArrayEquals(clean.trainIndex(), noisy.trainIndex(), "noise must not change which examples are drawn");
            assertArrayEquals(clean.valLabel(), noisy.valLabel(), "validation labels stay clean");
            int c = 0;
            for (int i = 0; i < clean.trainLabel().length; i++) {
                if (clean.trainLabel()[i] != noisy.trainLabel()[i]) {
                    c++;
                }
            }
            assertEquals(noisy.corrupted(), c, "a corrupted label always differs from the true one");
            changed += c;
            total += clean.trainLabel().length;
        }
        // 20,000 Bernoulli(0.4) draws: standard deviation √(0.24/20000) ≈ 0.0035; 0.015 is over 4σ.
        double rate = changed / (double) total;
        assertEquals(0.4, rate, 0.015, "observed corruption rate");
    }
}
