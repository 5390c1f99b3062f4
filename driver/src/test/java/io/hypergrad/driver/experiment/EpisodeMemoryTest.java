package io.hypergrad.driver.experiment;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.config.RunConfig;
import org.junit.jupiter.api.Test;

/**
 * The memory column measures what an episode holds: an online estimator under replay keeps its T rows
 * of |λ| doubles, an offline one (DrMAD: w_0, w_T and its sweep) far less.
 */
class EpisodeMemoryTest {
    @Test
    void onlineEstimatorsHoldTheirTrajectoryOfflineOnesDoNot() {
        RunConfig c = RunConfig.parse("hypergrad { problem = sinusoid, inner.steps = 30, model { width = 100, depth = 3 } }");
        double rowsMb = 30 * 20_400 * 8 / 1e6; // T × |λ| doubles: 4.9 MB
        double oneStep = EpisodeMemory.peakMegabytes(c, "one-step");
        double drmad = EpisodeMemory.peakMegabytes(c.with("hypergrad.estimator", "drmad"), "drmad");
        assertTrue(oneStep > 0.9 * rowsMb && oneStep < 3 * rowsMb, "one-step holds its rows: " + oneStep + " MB vs " + rowsMb);
        assertTrue(drmad < 0.5 * rowsMb, "drmad holds no trajectory: " + drmad + " MB");
    }
}
