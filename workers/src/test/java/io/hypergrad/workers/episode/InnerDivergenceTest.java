package io.hypergrad.workers.episode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.hypergrad.EpisodeFault;
import io.hypergrad.common.problems.MetaProblem;
import io.hypergrad.common.problems.Split;
import org.junit.jupiter.api.Test;

/**
 * An inner loop past momentum SGD's stability bound is caught by the step guard (the check that was missing
 * when the sinusoid run showed {@code nonFinite = 0} at an inner loss of 1e77) with its step; a stable one
 * is not, and under {@code skip-task} the diverged task is left out of the sums.
 */
class InnerDivergenceTest {
    @Test
    void aStableEpisodeHasNoFault() {
        assertNull(episode(0.01, "fail").fault, "lr 0.01: the sinusoid head trains");
    }

    @Test
    void anUnstableEpisodeIsStoppedAtTheStepItDiverged() {
        EpisodeResult r = episode(5.0, "fail");
        assertNotNull(r.fault, "lr 5: η·λmax far above 2(1 + μ) on the head's least squares");
        assertTrue(r.fault.kind().equals(EpisodeFault.DIVERGED) || r.fault.kind().equals(EpisodeFault.NON_FINITE_LOSS), r.fault.describe());
        assertTrue(r.fault.step() > 1 && r.fault.step() <= 30, r.fault.describe());
        assertTrue(r.excluded);
        PartialResult sum = new PartialResult();
        sum.add(r);
        assertEquals(0, sum.episodes);
        assertEquals(1, sum.skippedTasks);
    }

    @Test
    void underClipTheEstimatesBeforeTheFaultCount() {
        EpisodeResult r = episode(5.0, "clip");
        assertNotNull(r.fault);
        assertTrue(!r.excluded && r.nonFinite == 0 && r.state == null, "kept, finite, and the episode ends");
    }

    private static EpisodeResult episode(double lr, String policy) {
        RunConfig c = RunConfig.parse("hypergrad { problem = sinusoid, seed = 3, estimator = fo, inner { steps = 30, lr = "
                + lr + ", momentum = 0.9 }, model { width = 40, depth = 2 }, nonFinite = " + policy + " }");
        MetaProblem p = ProblemCache.get(c);
        RoundPayload payload = new RoundPayload(0, p.initialLambda(3), p.initialPhi(3), 1.0, c, false);
        return EpisodeRunner.run(payload, new EpisodeDescriptor(0, Split.META_TRAIN));
    }
}
