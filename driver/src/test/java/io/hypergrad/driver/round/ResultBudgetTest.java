package io.hypergrad.driver.round;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.config.ConfigException;
import io.hypergrad.common.config.RunConfig;
import io.hypergrad.workers.episode.ProblemCache;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/**
 * A run whose rounds would not fit is refused before Spark runs anything — {@link RoundLoop#preflight},
 * which the CLI calls before it starts Spark, so the user sees exit 2 and the settings that would fit
 * instead of a failure in round 1.
 */
class ResultBudgetTest {
    /** Sinusoid, width 200: |λ| is the head's per-weight decay, K = 50 rows of it per episode under replay. */
    private static final RunConfig BIG = RunConfig.parse("""
            hypergrad { problem = sinusoid, seed = 7, metaBatch = 64, estimator = "one-step", aggregator = replay,
                        inner.steps = 50, model.width = 200, outer.optimizer = adam }
            """);

    @Test
    void aRoundHandingTheDriverMoreThanMaxResultSizeIsRefusedWithTheSizeThatFits() {
        ResultBudget b = ResultBudget.of(BIG, ProblemCache.get(BIG));
        SparkConf conf = new SparkConf().setMaster("local[2]").set("spark.driver.maxResultSize", "64k");
        ConfigException e = assertThrows(ConfigException.class, () -> RoundLoop.preflight(BIG, conf));
        String m = e.getMessage();
        assertTrue(m.contains("spark.driver.maxResultSize = 64k (65,536 bytes)"), m);
        assertTrue(m.contains(String.format(java.util.Locale.ROOT, "%,d bytes", b.driverBytes(io.hypergrad.workers.episode.SumTree.DRIVER_BYTES))), m);
        assertTrue(m.contains("set spark.driver.maxResultSize to at least " + ResultBudget.megabytes(b.driverBytes(io.hypergrad.workers.episode.SumTree.DRIVER_BYTES))), m);
        assertTrue(m.contains("hypergrad.aggregator = sum"), "replay of 50 rows: the running sum is offered: " + m);
        // The size it names is enough.
        RoundLoop.preflight(BIG, conf.clone().set("spark.driver.maxResultSize", ResultBudget.megabytes(b.driverBytes(io.hypergrad.workers.episode.SumTree.DRIVER_BYTES))));
        RoundLoop.preflight(BIG, conf.clone().set("spark.driver.maxResultSize", "0"));
    }

    @Test
    void aRoundNeedingMoreThanAnExecutorsMemoryIsRefusedWithTheMemoryAndCoresThatFit() {
        ResultBudget b = new ResultBudget(40L << 20, 0, 90L << 20, 8, 8, "");
        SparkConf conf = new SparkConf().set("spark.driver.maxResultSize", "0");
        long heap = 512L << 20;
        ConfigException e = assertThrows(ConfigException.class, () -> b.check(conf, heap, 4));
        String m = e.getMessage();
        // 2 × 40 MiB (the sum and its serialised copy) + 90 MiB (the running episode) = 170 MiB per task, 4 at once.
        assertEquals(170L << 20, b.taskBytes());
        assertTrue(m.contains(String.format(java.util.Locale.ROOT, "%,d bytes", 4 * (170L << 20))), m);
        assertTrue(m.contains("set spark.executor.memory to at least 980m"), "4 × 170 MiB + 300 MiB reserved: " + m);
        assertTrue(m.contains("or run 1 task(s) per executor (spark.executor.cores)"), m);
        b.check(conf, heap, 1);
    }

    @Test
    void sumAndLastShipOneRowWhereReplayShipsK() {
        ResultBudget replay = ResultBudget.of(BIG, ProblemCache.get(BIG));
        RunConfig sum = BIG.with("hypergrad.aggregator", "sum");
        ResultBudget summed = ResultBudget.of(sum, ProblemCache.get(sum));
        long phi = 8L * ProblemCache.get(BIG).initialPhi(7).length;
        assertEquals(50 * (summed.summedBytes() - phi), replay.summedBytes() - phi);
        assertEquals("", summed.hint());
    }

    @Test
    void localMastersRunTheirThreadsAtOnce() {
        assertEquals(1, RoundLoop.localThreads("local"));
        assertEquals(3, RoundLoop.localThreads("local[3]"));
        assertEquals(2, RoundLoop.localThreads("local[2,4]"));
        assertEquals(Runtime.getRuntime().availableProcessors(), RoundLoop.localThreads("local[*]"));
    }
}
