package io.hypergrad.driver.round;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.driver.output.RunFolder;
import io.hypergrad.driver.spark.SparkSetup;
import io.hypergrad.workers.episode.PartitionFunction;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The round loop in local mode, end to end on the sinusoid problem: outputs, and the determinism
 * contract — the same λ fingerprint with one or two executor threads, after a failed-and-retried task,
 * and after stopping and resuming from a checkpoint.
 */
class LocalRunTest {
    static final String CONFIG = """
            hypergrad {
              problem = sinusoid
              seed = 7
              rounds = 4
              metaBatch = 4
              estimator = "one-step"
              aggregator = replay
              inner.steps = 5
              inner.lr = 0.01
              model.width = 16
              outer.optimizer = adam
              outer.lr = 0.01
              eval.every = 2
              eval.tasks = 3
              eval.testTasks = 4
            }
            """;

    static Map<String, Object> run(String master, String dir, RunConfig c, boolean failOnce, boolean resume, int stopAfter) {
        return run(master, dir, c, failOnce, resume, stopAfter, io.hypergrad.workers.episode.SumTree.DRIVER_BYTES);
    }

    /** @param driverBytes the most result bytes the driver collects before the executors sum a level (0: all levels there) */
    static Map<String, Object> run(String master, String dir, RunConfig c, boolean failOnce, boolean resume, int stopAfter,
                                   long driverBytes) {
        SparkConf conf = SparkSetup.configure(new SparkConf().setMaster(master).setAppName("test")
                .set("spark.ui.enabled", "false").set(PartitionFunction.FAIL_FIRST_ATTEMPT, String.valueOf(failOnce))
                .set(io.hypergrad.workers.episode.SumTree.DRIVER_BYTES_KEY, String.valueOf(driverBytes)));
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            return new RoundLoop(sc, c, new RunFolder(dir, sc.hadoopConfiguration()), RoundListener.NONE).run(resume, stopAfter);
        }
    }

    @Test
    void sameFingerprintWhateverTheExecutorsRetriesAndResumes(@TempDir Path tmp) {
        RunConfig c = RunConfig.parse(CONFIG);
        Map<String, Object> one = run("local[1]", tmp.resolve("a").toString(), c, false, false, -1);
        Map<String, Object> two = run("local[2]", tmp.resolve("b").toString(), c, false, false, -1);
        Map<String, Object> retried = run("local[2,4]", tmp.resolve("c").toString(), c, true, false, -1);
        String d = tmp.resolve("d").toString();
        assertNull(run("local[2]", d, c, false, false, 2));
        Map<String, Object> resumed = run("local[2]", d, c, false, true, -1);

        String fp = (String) one.get("lambdaSha256");
        assertEquals(fp, two.get("lambdaSha256"), "local[1] vs local[2]");
        assertEquals(fp, retried.get("lambdaSha256"), "with a retried task");
        assertEquals(fp, resumed.get("lambdaSha256"), "stopped after 2 rounds and resumed");
        assertEquals(4, one.get("rounds"));

        RunFolder a = new RunFolder(tmp.resolve("a").toString(), new org.apache.hadoop.conf.Configuration());
        String metrics = a.readText("metrics.jsonl");
        assertEquals(4, metrics.strip().split("\n").length);
        assertEquals(withoutTimings(metrics), withoutTimings(new RunFolder(d, new org.apache.hadoop.conf.Configuration()).readText("metrics.jsonl")),
                "a resumed run writes the same metrics as an uninterrupted one, except timings");
        assertTrue(a.readText("config.conf").contains("hypergrad.estimator = \"one-step\""));
        assertTrue(a.exists("summary.json"));
        assertEquals(3, a.list("checkpoints").size());
    }

    /**
     * Above {@value io.hypergrad.workers.episode.SumTree#FANOUT} partitions the sum is a tree (20 → 2 → 1 here)
     * whose lower levels run on the executors as shuffles: the fingerprint is the same with 1, 2 or 4
     * executor threads, after a retried task, after a resume, and whether the levels ran on the executors or
     * all on the driver.
     */
    @Test
    void theSumTreeGivesOneFingerprintWhateverTheExecutorsRetriesResumesAndWhereItsLevelsRun(@TempDir Path tmp) {
        // Windows of 2 of the 5 inner steps: episodes continue across rounds, so their states go through the
        // tree's shuffles and the checkpoint too.
        RunConfig c = RunConfig.parse(CONFIG).with("hypergrad.metaBatch", "20").with("hypergrad.rounds", "2")
                .with("hypergrad.inner.window", "2").with("hypergrad.eval.every", "0").with("hypergrad.eval.testTasks", "0");
        String fp = (String) run("local[2]", tmp.resolve("driver").toString(), c, false, false, -1, Long.MAX_VALUE).get("lambdaSha256");
        assertEquals(fp, run("local[1]", tmp.resolve("one").toString(), c, false, false, -1, 0).get("lambdaSha256"), "local[1]");
        assertEquals(fp, run("local[2]", tmp.resolve("two").toString(), c, false, false, -1, 0).get("lambdaSha256"), "local[2]");
        assertEquals(fp, run("local[4]", tmp.resolve("four").toString(), c, false, false, -1, 0).get("lambdaSha256"), "local[4]");
        assertEquals(fp, run("local[2,4]", tmp.resolve("retried").toString(), c, true, false, -1, 0).get("lambdaSha256"),
                "with a retried task");
        String d = tmp.resolve("resumed").toString();
        assertNull(run("local[2]", d, c, false, false, 1, 0));
        assertEquals(fp, run("local[2]", d, c, false, true, -1, 0).get("lambdaSha256"), "stopped after a round and resumed");
        // Not the linear order: that the runs agree is not because the tree degenerated into a line.
        assertNotEquals(fp, run("local[2]", tmp.resolve("sixteen").toString(), c.with("hypergrad.partitions", "16"), false, false, -1, 0)
                .get("lambdaSha256"), "16 partitions (one level) sum in another order");
    }

    @Test
    void evaluationReportsItsProgressAndTheInitialMetaTestRunsAlongsideTraining(@TempDir Path tmp) {
        RunConfig c = RunConfig.parse(CONFIG);
        Map<String, Object> fifo = run("local[2]", tmp.resolve("fifo").toString(), c, false, false, -1);
        java.util.List<String> phases = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        RoundListener recorder = new RoundListener() {
            @Override
            public void onRound(int round, int rounds, Map<String, Object> metrics, double eta) {}

            @Override
            public void onPhase(String phase, int done, int total, double eta) {
                phases.add(phase + " " + done + "/" + total);
            }
        };
        String dir = tmp.resolve("fair").toString();
        SparkConf conf = SparkSetup.configure(new SparkConf().setMaster("local[2]").setAppName("test")
                .set("spark.ui.enabled", "false").set("spark.scheduler.mode", "FAIR"));
        Map<String, Object> fair;
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            fair = new RoundLoop(sc, c, new RunFolder(dir, sc.hadoopConfiguration()), recorder).run(false, -1);
        }
        assertEquals(fifo.get("metaTest"), fair.get("metaTest"), "the same meta-test, run alongside training or after it");
        assertEquals(fifo.get("lambdaSha256"), fair.get("lambdaSha256"));
        assertTrue(phases.contains("meta-test of the initial λ on 4 tasks · started alongside training (FAIR pool hypergrad-eval) 0/4"), phases.toString());
        assertTrue(phases.contains("meta-test of the learned λ on 4 tasks 4/4"), phases.toString());
        assertTrue(phases.contains("round 2/4 · meta-validation on 3 tasks 3/3"), phases.toString());
        assertTrue(new RunFolder(dir, new org.apache.hadoop.conf.Configuration()).exists(RoundLoop.INITIAL_TEST_FILE),
                "the initial λ's meta-test is cached in the run folder");
    }

    @Test
    void anEvaluationRunAsOneSparkTaskPerEpisodeSumsToTheSameBitsAsItsPartitions() throws Exception {
        RunConfig c = RunConfig.parse(CONFIG).with("hypergrad.partitions", "3");
        io.hypergrad.common.problems.MetaProblem problem = io.hypergrad.workers.episode.ProblemCache.get(c);
        java.util.List<io.hypergrad.workers.episode.EpisodeDescriptor> ds = new java.util.ArrayList<>();
        for (int i = 0; i < 7; i++) {
            ds.add(new io.hypergrad.workers.episode.EpisodeDescriptor(i, io.hypergrad.common.problems.Split.META_TEST));
        }
        SparkConf conf = SparkSetup.configure(new SparkConf().setMaster("local[2]").setAppName("test").set("spark.ui.enabled", "false"));
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            io.hypergrad.workers.episode.RoundPayload payload = new io.hypergrad.workers.episode.RoundPayload(0,
                    problem.initialLambda(7), problem.initialPhi(7), 1.0, c, false);
            io.hypergrad.workers.episode.PartialResult grouped =
                    EpisodeJob.submit(sc, ds, payload, c.partitions(), false, 0, "grouped", null).await(RoundListener.NONE, "grouped", false);
            io.hypergrad.workers.episode.PartialResult perEpisode =
                    EpisodeJob.submit(sc, ds, payload, c.partitions(), true, 0, "per episode", null).await(RoundListener.NONE, "per episode", false);
            assertEquals(7, perEpisode.episodes);
            assertEquals(Double.doubleToRawLongBits(grouped.valLoss), Double.doubleToRawLongBits(perEpisode.valLoss));
            assertEquals(Double.doubleToRawLongBits(grouped.valLossSq), Double.doubleToRawLongBits(perEpisode.valLossSq));
            assertEquals(Double.doubleToRawLongBits(grouped.trainLoss), Double.doubleToRawLongBits(perEpisode.trainLoss));
        }
    }

    static String withoutTimings(String jsonl) {
        return jsonl.replaceAll("\"(seconds|maxTaskSeconds|taskSeconds)\":[0-9.eE+-]+", "\"$1\":_");
    }

    @Test
    void episodesThatContinueAcrossRoundsResumeToTheSameFingerprint(@TempDir Path tmp) {
        // T = 6 steps in windows of τ = 2: each episode spans three rounds, so a stop after round 2 falls
        // in the middle of an episode and the resumed run must carry its state from the checkpoint.
        RunConfig c = RunConfig.parse(CONFIG).with("hypergrad.inner.steps", "6").with("hypergrad.inner.window", "2")
                .with("hypergrad.rounds", "6").with("hypergrad.eval.testTasks", "0");
        Map<String, Object> whole = run("local[2]", tmp.resolve("a").toString(), c, false, false, -1);
        String d = tmp.resolve("b").toString();
        assertNull(run("local[1]", d, c, false, false, 2));
        Map<String, Object> resumed = run("local[2]", d, c, false, true, -1);
        assertEquals(whole.get("lambdaSha256"), resumed.get("lambdaSha256"));
        assertEquals(8L, ((Number) whole.get("episodes")).longValue(), "6 rounds of 2-step windows = 2 whole episodes × 4 tasks");
        Map<String, Object> notWindowed = run("local[2]", tmp.resolve("c").toString(),
                c.with("hypergrad.inner.window", "0").with("hypergrad.rounds", "2"), false, false, -1);
        assertNotEquals(whole.get("lambdaSha256"), notWindowed.get("lambdaSha256"));
    }

    @Test
    void hyperDistillCarriesItsDistilledPointAcrossWindowsAndThroughACheckpoint(@TempDir Path tmp) {
        // T = 6 in windows of 2 with HyperDistill: the stop after round 2 falls at step 4 of 6, so the
        // checkpoint holds each episode's distilled point (t = 4, D* as step/row keys) and the resumed
        // run continues the distillation instead of restarting it.
        RunConfig c = RunConfig.parse(CONFIG).with("hypergrad.estimator", "\"hyperdistill:0.9:1\"")
                .with("hypergrad.inner.steps", "6").with("hypergrad.inner.window", "2")
                .with("hypergrad.rounds", "6").with("hypergrad.eval.testTasks", "0");
        Map<String, Object> whole = run("local[2]", tmp.resolve("a").toString(), c, false, false, -1);
        String d = tmp.resolve("b").toString();
        assertNull(run("local[1]", d, c, false, false, 2));
        io.hypergrad.driver.checkpoint.DriverState mid = new io.hypergrad.driver.checkpoint.CheckpointStore(
                new RunFolder(d, new org.apache.hadoop.conf.Configuration()), c).loadNewest().orElseThrow();
        assertEquals(2, mid.round);
        for (io.hypergrad.common.hypergrad.DistilledPoint p : mid.episodeCarries) {
            assertEquals(4, p.t(), "the distilled point has absorbed steps 1–4");
            assertEquals(3, p.state().step, "z* averages z_0 … z_3, the states each step started from");
        }
        Map<String, Object> resumed = run("local[2]", d, c, false, true, -1);
        assertEquals(whole.get("lambdaSha256"), resumed.get("lambdaSha256"));
    }

    @Test
    void theKoopmanAggregatorExtrapolatesToTheRemainingHorizonOfTheEpisode(@TempDir Path tmp) {
        // A 30-step episode in windows of 12: R = 30 − 12 = 18 after round 1, 30 − 24 = 6 after round 2,
        // and the last window (6 steps) ends the episode: R = 0, NOT_APPLICABLE, not a fallback.
        RunConfig c = RunConfig.parse(CONFIG).with("hypergrad.aggregator", "koopman").with("hypergrad.inner.steps", "30")
                .with("hypergrad.inner.window", "12").with("hypergrad.model.width", "3").with("hypergrad.model.depth", "1")
                .with("hypergrad.rounds", "3").with("hypergrad.eval.testTasks", "0");
        Map<String, Object> a = run("local[2]", tmp.resolve("a").toString(), c, false, false, -1);
        Map<String, Object> b = run("local[1]", tmp.resolve("b").toString(), c, false, false, -1);
        assertEquals(a.get("lambdaSha256"), b.get("lambdaSha256"));
        String metrics = new RunFolder(tmp.resolve("a").toString(), new org.apache.hadoop.conf.Configuration()).readText("metrics.jsonl");
        String[] lines = metrics.strip().split("\n");
        assertEquals(3, lines.length, metrics);
        assertTrue(lines[0].contains("\"horizon\":18"), lines[0]);
        assertTrue(lines[1].contains("\"horizon\":6"), lines[1]);
        assertTrue(lines[2].contains("\"reason\":\"NOT_APPLICABLE\"") && lines[2].contains("\"fallback\":false"), lines[2]);
        assertTrue(metrics.contains("\"eigenvalues\":") && metrics.contains("\"callsSoFar\":3"), metrics);
        for (String line : lines) {
            // Every estimate that is not an extrapolation says why in words, beside its reason code.
            assertEquals(!line.contains("\"reason\":\"NONE\""), line.contains("\"detail\":"), line);
        }
    }

    @Test
    void theKoopmanAggregatorOverWindowLocalReverseHypergradientsIsDeterministic(@TempDir Path tmp) {
        // local:reverse:3 emits h_t every 3rd step of each window (4 rows of a 12-step window, 2 of the last
        // 6 steps), so the horizon is counted in rows: R = 18/3 = 6 after round 1, 6/3 = 2 after round 2.
        RunConfig c = RunConfig.parse(CONFIG).with("hypergrad.aggregator", "koopman").with("hypergrad.estimator", "\"local:reverse:3\"")
                .with("hypergrad.inner.steps", "30").with("hypergrad.inner.window", "12").with("hypergrad.model.width", "3")
                .with("hypergrad.model.depth", "1").with("hypergrad.rounds", "3").with("hypergrad.eval.testTasks", "0");
        Map<String, Object> a = run("local[2]", tmp.resolve("a").toString(), c, false, false, -1);
        Map<String, Object> b = run("local[1]", tmp.resolve("b").toString(), c, false, false, -1);
        assertEquals(a.get("lambdaSha256"), b.get("lambdaSha256"));
        String metrics = new RunFolder(tmp.resolve("a").toString(), new org.apache.hadoop.conf.Configuration()).readText("metrics.jsonl");
        String[] lines = metrics.strip().split("\n");
        assertEquals(3, lines.length, metrics);
        assertTrue(lines[0].contains("\"horizon\":6"), lines[0]);
        assertTrue(lines[1].contains("\"horizon\":2"), lines[1]);
        assertTrue(lines[2].contains("\"reason\":\"NOT_APPLICABLE\""), lines[2]);
    }

    @Test
    void aStrideThatDoesNotDivideTheWindowIsRefusedBeforeAnyWork(@TempDir Path tmp) {
        RunConfig c = RunConfig.parse(CONFIG).with("hypergrad.aggregator", "koopman").with("hypergrad.estimator", "\"local:reverse:5\"")
                .with("hypergrad.inner.steps", "30").with("hypergrad.inner.window", "12");
        var e = org.junit.jupiter.api.Assertions.assertThrows(io.hypergrad.common.config.ConfigException.class,
                () -> run("local[1]", tmp.resolve("a").toString(), c, false, false, -1));
        assertTrue(e.getMessage().contains("hypergrad.inner.window = 12") && e.getMessage().contains("multiple of 5"), e.getMessage());
    }

    @Test
    void hyperDistillRefitsThetaOnTheClusterAndStaysDeterministic(@TempDir Path tmp) {
        RunConfig c = RunConfig.parse(CONFIG).with("hypergrad.estimator", "\"hyperdistill:0.9\"")
                .with("hypergrad.theta.refitEvery", "8").with("hypergrad.eval.testTasks", "0");
        Map<String, Object> a = run("local[2]", tmp.resolve("a").toString(), c, false, false, -1);
        Map<String, Object> b = run("local[1]", tmp.resolve("b").toString(), c, false, false, -1);
        assertEquals(a.get("lambdaSha256"), b.get("lambdaSha256"));
        String metrics = new RunFolder(tmp.resolve("a").toString(), new org.apache.hadoop.conf.Configuration()).readText("metrics.jsonl");
        String[] lines = metrics.strip().split("\n");
        // A refit before round 1, then every 8 episodes: before rounds 3 (after 8 episodes); 4 rounds of 4 tasks.
        assertTrue(lines[0].contains("\"thetaRefit\":") && lines[2].contains("\"thetaRefit\":"), metrics);
        assertTrue(!lines[1].contains("thetaRefit") && !lines[3].contains("thetaRefit"), metrics);
        assertTrue(lines[0].contains("\"samples\":20"), "4 tasks × T = 5 samples: " + lines[0]);
    }

    @Test
    void aDifferentSeedGivesADifferentFingerprint(@TempDir Path tmp) {
        RunConfig c = RunConfig.parse(CONFIG).with("hypergrad.rounds", "1").with("hypergrad.eval.testTasks", "0");
        Map<String, Object> s7 = run("local[2]", tmp.resolve("a").toString(), c, false, false, -1);
        Map<String, Object> s8 = run("local[2]", tmp.resolve("b").toString(), c.with("hypergrad.seed", "8"), false, false, -1);
        assertNotEquals(s7.get("lambdaSha256"), s8.get("lambdaSha256"));
    }
}
