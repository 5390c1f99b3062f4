package io.hypergrad.workers.episode;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.hypergrad.Trajectory;
import io.hypergrad.common.problems.MetaProblem;
import io.hypergrad.common.problems.Split;
import org.junit.jupiter.api.Test;

/**
 * An episode under {@code sum} or {@code last} keeps one row of |λ| as it goes instead of K rows, and ships
 * exactly what the full trajectory would have given: the rows added in step order from zeros, or the last
 * row, bit for bit — also for an episode stopped by a fault, whose missing rows count as zeros.
 */
class RunningTrajectoryTest {
    private static final String BASE = "hypergrad { problem = sinusoid, seed = 5, estimator = \"one-step\", inner { steps = 12, lr = %s }, "
            + "model { width = 24 }, nonFinite = clip, aggregator = %s, outer.optimizer = %s, outer.schedule = constant }";

    @Test
    void theRunningSumAndTheLastRowEqualTheFullTrajectorysBitForBit() {
        check(0.01);
    }

    @Test
    void soDoTheyForAnEpisodeStoppedByAFault() {
        EpisodeResult full = episode(5.0, "replay", "adam");
        assertNotNull(full.fault, "lr 5 diverges (InnerDivergenceTest)");
        check(5.0);
    }

    @Test
    void replayThroughPlainSgdAtAConstantRateKeepsTheSumAndAnyOtherOuterOptimiserEveryRow() {
        assertEquals(Trajectory.Keep.SUM, Trajectory.Keep.of(config(0.01, "replay", "sgd")));
        assertEquals(Trajectory.Keep.ALL, Trajectory.Keep.of(config(0.01, "replay", "momentum")));
        assertEquals(Trajectory.Keep.ALL, Trajectory.Keep.of(config(0.01, "replay", "sgd").with("hypergrad.outer.schedule", "cosine")));
        assertEquals(Trajectory.Keep.ALL, Trajectory.Keep.of(config(0.01, "replay", "sgd").with("hypergrad.outer.clipNorm", "1.0")));
        assertEquals(Trajectory.Keep.ALL, Trajectory.Keep.of(config(0.01, "koopman", "sgd")));
        assertEquals(1, episode(0.01, "replay", "sgd").rows, "linear replay ships one row");
    }

    private static void check(double lr) {
        EpisodeResult full = episode(lr, "replay", "adam");
        int h = full.trajectory.length / full.rows;
        assertEquals(12, full.rows, "one row per inner step (zeros after a fault)");
        double[] sum = new double[h];
        for (int k = 0; k < full.rows; k++) {
            for (int i = 0; i < h; i++) {
                sum[i] += full.trajectory[k * h + i];
            }
        }
        double[] last = java.util.Arrays.copyOfRange(full.trajectory, (full.rows - 1) * h, full.rows * h);
        EpisodeResult s = episode(lr, "sum", "adam");
        EpisodeResult l = episode(lr, "last", "adam");
        assertEquals(1, s.rows);
        assertEquals(1, l.rows);
        // Raw bits: λ's fingerprint tells 0.0 from −0.0 and one NaN from another.
        assertArrayEquals(bits(sum), bits(s.trajectory), "sum: the rows added in step order");
        assertArrayEquals(bits(sum), bits(episode(lr, "replay", "sgd").trajectory), "replay through a linear outer optimiser ships the sum");
        assertArrayEquals(bits(last), bits(l.trajectory), "last: the last row");
    }

    private static long[] bits(double[] a) {
        long[] b = new long[a.length];
        for (int i = 0; i < a.length; i++) {
            b[i] = Double.doubleToRawLongBits(a[i]);
        }
        return b;
    }

    private static RunConfig config(double lr, String aggregator, String outer) {
        return RunConfig.parse(String.format(java.util.Locale.ROOT, BASE, lr, aggregator, outer));
    }

    private static EpisodeResult episode(double lr, String aggregator, String outer) {
        RunConfig c = config(lr, aggregator, outer);
        MetaProblem p = ProblemCache.get(c);
        RoundPayload payload = new RoundPayload(0, p.initialLambda(5), p.initialPhi(5), 1.0, c, false);
        return EpisodeRunner.run(payload, new EpisodeDescriptor(0, Split.META_TRAIN));
    }
}
