package io.hypergrad.common.hypergrad;

import static io.hypergrad.common.hypergrad.Problems.relativeError;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.hypergrad.Problems.Instance;
import io.hypergrad.common.hypergrad.Problems.Opt;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The exactness contract: reverse = forward to 1e-8 relative (they are the same derivative computed in
 * two orders; only round-off separates them, ≈ 1e-14), both = central finite differences of the unrolled
 * validation loss to 1e-6 (FD error ≈ 1e-10 at step 1e-5), truncated(T) = reverse, truncated(1) =
 * one-step, and checkpointed reverse = plain reverse bit for bit.
 */
class ExactEstimatorsTest {
    private static final int T = 8;

    @ParameterizedTest
    @EnumSource(Opt.class)
    void reverseEqualsForwardEqualsFiniteDifferences(Opt opt) {
        Instance in = Problems.mlp(opt, 1);
        double[] rev = Episode.hypergradient(in.problem(), in.lambda(), in.z0(), T, in.batches(), Reverse.full());
        double[] fwd = Episode.hypergradient(in.problem(), in.lambda(), in.z0(), T, in.batches(), new Forward());
        double[] fd = in.finiteDifference(T);
        assertTrue(relativeError(rev, fwd) <= 1e-8, "reverse vs forward: " + relativeError(rev, fwd));
        assertTrue(relativeError(fd, rev) <= 1e-6, "reverse vs finite differences: " + relativeError(fd, rev));
        assertTrue(relativeError(fd, fwd) <= 1e-6, "forward vs finite differences: " + relativeError(fd, fwd));
    }

    @Test
    void truncatedThroughAllStepsIsReverse() {
        Instance in = Problems.mlp(Opt.SGD_HOOKS, 2);
        double[] rev = Episode.hypergradient(in.problem(), in.lambda(), in.z0(), T, in.batches(), Reverse.full());
        double[] tr = Episode.hypergradient(in.problem(), in.lambda(), in.z0(), T, in.batches(), Reverse.truncated(T));
        assertArrayEquals(rev, tr, 0.0);
    }

    @ParameterizedTest
    @EnumSource(Opt.class)
    void truncatedThroughOneStepIsOneStep(Opt opt) {
        Instance in = Problems.mlp(opt, 3);
        double[] tr = Episode.hypergradient(in.problem(), in.lambda(), in.z0(), T, in.batches(), Reverse.truncated(1));
        OneStep one = new OneStep();
        one.begin(in.problem(), in.lambda(), in.z0());
        List<double[]> traj = Episode.run(in.problem(), in.lambda(), in.z0(), T, in.batches(), one).trajectory();
        assertEquals(T, traj.size());
        assertTrue(relativeError(tr, traj.get(T - 1)) <= 1e-12, "truncated(1) vs one-step: " + relativeError(tr, traj.get(T - 1)));
    }

    @Test
    void checkpointedReverseIsPlainReverseBitForBit() {
        for (int every : new int[] {1, 2, 3, 5, 8, 13}) {
            Instance in = Problems.mlp(Opt.SGD_HOOKS, 4);
            double[] rev = Episode.hypergradient(in.problem(), in.lambda(), in.z0(), T, in.batches(), Reverse.full());
            double[] ck = Episode.hypergradient(in.problem(), in.lambda(), in.z0(), T, in.batches(), Reverse.checkpointed(every));
            assertArrayEquals(rev, ck, 0.0, "checkpoint every " + every);
        }
    }

    @Test
    void forwardIsExactAtEveryHorizon() {
        Instance in = Problems.mlp(Opt.SGD_MOMENTUM_WD, 5);
        Forward f = new Forward();
        f.begin(in.problem(), in.lambda(), in.z0());
        List<double[]> traj = Episode.run(in.problem(), in.lambda(), in.z0(), 4, in.batches(), f).trajectory();
        for (int t = 1; t <= 4; t++) {
            double[] fd = in.finiteDifference(t);
            assertTrue(relativeError(fd, traj.get(t - 1)) <= 1e-6, "horizon " + t);
        }
    }

    @Test
    void jvpsAreCounted() {
        Instance in = Problems.mlp(Opt.SGD_HOOKS, 6);
        Reverse r = Reverse.full();
        Episode.hypergradient(in.problem(), in.lambda(), in.z0(), T, in.batches(), r);
        assertEquals(T, r.jvps());
        Reverse tr = Reverse.truncated(3);
        Episode.hypergradient(in.problem(), in.lambda(), in.z0(), T, in.batches(), tr);
        assertEquals(3, tr.jvps());
        Forward f = new Forward();
        Episode.hypergradient(in.problem(), in.lambda(), in.z0(), T, in.batches(), f);
        assertEquals((long) T * in.lambda().length, f.jvps());
    }

    @Test
    void windowsContinueTheSameEpisode() {
        Instance in = Problems.mlp(Opt.SGD_HOOKS, 7);
        double[] whole = Episode.hypergradient(in.problem(), in.lambda(), in.z0(), T, in.batches(), Reverse.full());
        Reverse r = Reverse.full();
        r.begin(in.problem(), in.lambda(), in.z0());
        var w1 = Episode.run(in.problem(), in.lambda(), in.z0(), 3, in.batches(), r);
        r.estimate();
        Episode.run(in.problem(), in.lambda(), w1.state(), T - 3, in.batches(), r);
        assertArrayEquals(whole, r.estimate(), 0.0);
    }
}
