package io.hypergrad.driver.bench;

import java.util.Arrays;

/** Median wall time of repeated calls, after warm-up: the figure every benchmark here reports. */
final class Timing {
    private Timing() {}

    /** Median milliseconds of {@code reps} calls after {@code warmup} untimed ones. */
    static double medianMillis(Runnable r, int warmup, int reps) {
        for (int i = 0; i < warmup; i++) {
            r.run();
        }
        double[] t = new double[reps];
        for (int i = 0; i < reps; i++) {
            long s = System.nanoTime();
            r.run();
            t[i] = (System.nanoTime() - s) / 1e6;
        }
        Arrays.sort(t);
        return reps % 2 == 1 ? t[reps / 2] : 0.5 * (t[reps / 2 - 1] + t[reps / 2]);
    }
}
