package io.hypergrad.workers.episode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.problems.MetaProblem;
import io.hypergrad.common.problems.Split;
import org.junit.jupiter.api.Test;

/**
 * An inner loop past momentum SGD's stability bound is reported as diverged (the metric that was missing
 * when the sinusoid run showed {@code nonFinite = 0} at an inner loss of 1e77); a stable one is not.
 */
class InnerDivergenceTest {
    @Test
    void theRuleFlagsGrowthAndNonFiniteLossesOnly() {
        assertFalse(EpisodeRunner.diverged(4.0, 0.5), "a loop that trained");
        assertFalse(EpisodeRunner.diverged(4.0, 8.0), "noise, not divergence");
        assertTrue(EpisodeRunner.diverged(4.0, 1e77));
        assertTrue(EpisodeRunner.diverged(4.0, Double.NaN));
        assertTrue(EpisodeRunner.diverged(4.0, Double.POSITIVE_INFINITY));
    }

    @Test
    void aStableEpisodeIsNotFlaggedAndAnUnstableOneIs() {
        assertEquals(0, episode(0.01).innerDiverged, "lr 0.01: the sinusoid head trains");
        assertEquals(1, episode(5.0).innerDiverged, "lr 5: η·λmax far above 2(1 + μ) on the head's least squares");
    }

    private static EpisodeResult episode(double lr) {
        RunConfig c = RunConfig.parse("hypergrad { problem = sinusoid, seed = 3, estimator = fo, inner { steps = 30, lr = "
                + lr + ", momentum = 0.9 }, model { width = 40, depth = 2 } }");
        MetaProblem p = ProblemCache.get(c);
        RoundPayload payload = new RoundPayload(0, p.initialLambda(3), p.initialPhi(3), 1.0, c, false);
        return EpisodeRunner.run(payload, new EpisodeDescriptor(0, Split.META_TRAIN));
    }
}
