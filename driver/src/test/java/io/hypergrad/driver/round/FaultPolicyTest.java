package io.hypergrad.driver.round;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypergrad.common.config.RunConfig;
import io.hypergrad.driver.checkpoint.CheckpointStore;
import io.hypergrad.driver.output.RunFolder;
import io.hypergrad.workers.episode.InjectedFault;
import io.hypergrad.workers.episode.PartitionFunction;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Numerical faults and failing tasks in real runs: NaN/Inf injected into a loss, gradient, HVP or
 * hypergradient, or an exploding loss, at one task and step — the configured policy applies, the fault is
 * counted and named in metrics.jsonl, and λ is never poisoned; a task that fails beyond Spark's retries
 * fails the run naming it, after writing the last good checkpoint, from which a resume loses nothing.
 */
class FaultPolicyTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final RunConfig CONFIG = RunConfig.parse(LocalRunTest.CONFIG).with("hypergrad.rounds", "3")
            .with("hypergrad.eval.every", "0").with("hypergrad.eval.testTasks", "0");

    static Map<String, Object> run(String master, String dir, RunConfig c, String inject, String failTask, boolean resume) {
        return io.hypergrad.driver.bench.FaultDrills.run(new SparkConf().setMaster(master)
                .set(InjectedFault.CONF_KEY, inject).set(PartitionFunction.FAIL_TASK, failTask), c, Path.of(dir), resume);
    }

    private static JsonNode round(String dir, int round) throws Exception {
        String[] lines = new RunFolder(dir, new org.apache.hadoop.conf.Configuration()).readText("metrics.jsonl").strip().split("\n");
        return JSON.readTree(lines[round - 1]);
    }

    @ParameterizedTest(name = "{0} → {1}")
    @CsvSource({
        "loss, non-finite training loss",
        "gradient, non-finite inner update",
        "hvp, non-finite hypergradient",
        "hypergradient, non-finite hypergradient",
        "explode, diverging inner loop",
    })
    void skipTaskLeavesTheFaultedTaskOutAndCountsIt(String kind, String reported, @TempDir Path tmp) throws Exception {
        RunConfig c = CONFIG.with("hypergrad.nonFinite", "\"skip-task\"");
        // Round 2 (0-based 1), task 2, inner step 3.
        String dir = tmp.resolve("a").toString();
        Map<String, Object> a = run("local[2]", dir, c, "1:2:3:" + kind, "", false);
        JsonNode r2 = round(dir, 2);
        assertEquals(1, r2.get("faultedTasks").asInt());
        assertEquals(1, r2.get("skippedTasks").asInt());
        assertEquals(3, r2.get("episodes").asInt(), "three of four tasks summed");
        assertTrue(r2.get("faults").get(0).asText().startsWith("task 2, step 3: " + reported), r2.toString());
        assertEquals(0, round(dir, 1).get("faultedTasks").asInt());
        assertEquals(0, round(dir, 3).get("faultedTasks").asInt());
        assertTrue(Double.isFinite(r2.get("lambdaNorm").asDouble()) && Double.isFinite(r2.get("trainLoss").asDouble()));

        Map<String, Object> b = run("local[1]", tmp.resolve("b").toString(), c, "1:2:3:" + kind, "", false);
        assertEquals(a.get("lambdaSha256"), b.get("lambdaSha256"), "skipping is deterministic");
        Map<String, Object> clean = run("local[2]", tmp.resolve("c").toString(), c, "", "", false);
        assertNotEquals(clean.get("lambdaSha256"), a.get("lambdaSha256"), "the skipped task really was left out");
    }

    @Test
    void clipKeepsTheEstimatesBeforeTheFault(@TempDir Path tmp) throws Exception {
        String dir = tmp.toString();
        run("local[2]", dir, CONFIG.with("hypergrad.nonFinite", "clip"), "1:0:4:hypergradient", "", false);
        JsonNode r2 = round(dir, 2);
        assertEquals(1, r2.get("faultedTasks").asInt());
        assertEquals(0, r2.get("skippedTasks").asInt());
        assertEquals(4, r2.get("episodes").asInt());
        assertEquals(0, r2.get("nonFinite").asInt(), "no NaN reached the sums");
        assertTrue(Double.isFinite(r2.get("lambdaNorm").asDouble()));
    }

    @Test
    void failStopsNamingRoundTaskAndStepAndResumeLosesNothing(@TempDir Path tmp) {
        // Checkpoints every 5 rounds: the failing round must still leave the state it started from on disk.
        RunConfig c = CONFIG.with("hypergrad.checkpoint.every", "5");
        String dir = tmp.resolve("a").toString();
        RunFailedException e = assertThrows(RunFailedException.class, () -> run("local[2]", dir, c, "2:1:2:loss", "", false));
        assertTrue(e.getMessage().startsWith("round 3: task 1, step 2: non-finite training loss (loss NaN)"), e.getMessage());
        assertTrue(e.getMessage().contains("hypergrad.nonFinite = fail") && e.getMessage().contains("round-00000002.ckpt"), e.getMessage());
        RunFolder f = new RunFolder(dir, new org.apache.hadoop.conf.Configuration());
        assertEquals(2, new CheckpointStore(f, c).loadNewest().orElseThrow().round);

        Map<String, Object> resumed = run("local[2]", dir, c, "", "", true);
        Map<String, Object> clean = run("local[2]", tmp.resolve("b").toString(), c, "", "", false);
        assertEquals(clean.get("lambdaSha256"), resumed.get("lambdaSha256"));
    }

    @Test
    void aTaskFailingBeyondSparksRetriesIsNamedAndResumable(@TempDir Path tmp) {
        String dir = tmp.resolve("a").toString();
        RunFailedException e = assertThrows(RunFailedException.class, () -> run("local[2,3]", dir, CONFIG, "", "1:3", false));
        assertTrue(e.getMessage().contains("task 3 of round 2 (meta-train) failed: IllegalStateException: test fault"), e.getMessage());
        assertTrue(e.getMessage().contains("Spark gave up after 3 attempts"), e.getMessage());
        assertTrue(e.getMessage().contains("the last good checkpoint (after round 1)"), e.getMessage());
        Map<String, Object> resumed = run("local[2]", dir, CONFIG, "", "", true);
        Map<String, Object> clean = run("local[2]", tmp.resolve("b").toString(), CONFIG, "", "", false);
        assertEquals(clean.get("lambdaSha256"), resumed.get("lambdaSha256"));
    }

    @Test
    void aDivergingThetaRefitEpisodeIsLeftOutOfTheFit(@TempDir Path tmp) throws Exception {
        // HyperDistill refits θ before round 1 on the round's own tasks: task 2's loss explodes at step 3
        // there (its DrMAD sweep would otherwise set θ alone) and again in the round that follows.
        RunConfig c = CONFIG.with("hypergrad.estimator", "\"hyperdistill:0.9\"").with("hypergrad.nonFinite", "\"skip-task\"");
        String dir = tmp.resolve("a").toString();
        run("local[2]", dir, c, "0:2:3:explode", "", false);
        JsonNode r1 = round(dir, 1);
        JsonNode refit = r1.get("thetaRefit");
        assertEquals(1, refit.get("faultedTasks").asInt(), refit.toString());
        assertEquals(1, refit.get("skippedTasks").asInt(), refit.toString());
        assertTrue(refit.get("faults").get(0).asText().startsWith("task 2, step 3: diverging inner loop"), refit.toString());
        assertEquals(3 * 5, refit.get("samples").asInt(), "T = 5 samples from each of the three other tasks");
        assertTrue(Double.isFinite(refit.get("theta").asDouble()));
        assertEquals(1, r1.get("skippedTasks").asInt(), "the training episode of the same task is skipped too");

        RunFailedException e = assertThrows(RunFailedException.class,
                () -> run("local[2]", tmp.resolve("b").toString(), CONFIG.with("hypergrad.estimator", "\"hyperdistill:0.9\""), "0:2:3:explode", "", false));
        assertTrue(e.getMessage().startsWith("round 1 θ refit: task 2, step 3: diverging inner loop"), e.getMessage());
    }

    @Test
    void aGenuinelyDivergingInnerLoopIsCaughtWithItsStep(@TempDir Path tmp) throws Exception {
        // Inner lr 50 on sinusoid regression explodes within a few steps: detected, never averaged into λ.
        RunConfig c = CONFIG.with("hypergrad.inner.lr", "50").with("hypergrad.rounds", "1");
        RunFailedException e = assertThrows(RunFailedException.class, () -> run("local[2]", tmp.resolve("a").toString(), c, "", "", false));
        assertTrue(e.getMessage().matches("(?s)round 1: task 0, step \\d+: (diverging inner loop|non-finite ).*"), e.getMessage());

        String dir = tmp.resolve("b").toString();
        run("local[2]", dir, c.with("hypergrad.nonFinite", "\"skip-task\""), "", "", false);
        JsonNode r1 = round(dir, 1);
        assertEquals(4, r1.get("skippedTasks").asInt());
        assertEquals(0, r1.get("episodes").asInt());
        assertTrue(r1.get("trainLoss").isNull(), "no loss to average, written as null: " + r1);
    }
}
