package io.hypergrad.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.config.ConfigException;
import io.hypergrad.common.config.RunConfig;
import io.hypergrad.driver.output.RunFolder;
import io.hypergrad.driver.spark.SparkSetup;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Sweeps: expansion of grids and random search, and resumable runs in one application (emitted work: {@link SweepEmitTest}). */
class SweepTest {
    static final String BASE = """
            hypergrad { problem = sinusoid, rounds = 2, metaBatch = 2, inner.steps = 3, model.width = 8,
                        eval.every = 0, eval.tasks = 2, eval.testTasks = 0, outer.optimizer = adam }
            """;

    static File write(Path dir, String name, String text) throws Exception {
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p.toFile();
    }

    @Test
    void aGridTimesRandomSamplesExpandsDeterministically(@TempDir Path tmp) throws Exception {
        write(tmp, "base.conf", BASE);
        File f = write(tmp, "s.conf", """
                sweep {
                  name = t
                  base = base.conf
                  metric = finalValLoss
                  goal = min
                  set { "hypergrad.rounds" = 3 }
                  grid { "hypergrad.estimator" = ["fo", "one-step"], "hypergrad.seed" = [1, 2, 3] }
                  random { samples = 2, seed = 5, "hypergrad.outer.lr" = { logUniform = [1e-4, 1e-2] } }
                }
                """);
        SweepSpec s = SweepSpec.load(f);
        assertEquals(12, s.runs().size());
        assertEquals(s.runs().stream().map(SweepRun::name).toList(), SweepSpec.load(f).runs().stream().map(SweepRun::name).toList());
        assertEquals(12, s.runs().stream().map(SweepRun::name).distinct().count());
        for (SweepRun r : s.runs()) {
            double lr = r.config().get(RunConfig.OUTER_LR);
            assertTrue(lr >= 1e-4 && lr <= 1e-2, "logUniform bounds: " + lr);
            assertEquals(3, r.config().get(RunConfig.ROUNDS));
            assertEquals(2, r.config().get(RunConfig.META_BATCH), "base config applies");
        }
        assertEquals("fo", s.runs().get(0).config().get(RunConfig.ESTIMATOR));
        assertEquals("one-step", s.runs().get(11).config().get(RunConfig.ESTIMATOR));
    }

    @Test
    void casesSetSeveralKeysTogetherAndCrossTheOtherKeys(@TempDir Path tmp) throws Exception {
        write(tmp, "base.conf", BASE);
        File f = write(tmp, "s.conf", """
                sweep {
                  base = base.conf
                  grid {
                    "hypergrad.seed" = [1, 2]
                    cases = [ { "hypergrad.estimator" = fo },
                              { "hypergrad.estimator" = "hyperdistill:0.99", "hypergrad.aggregator" = koopman } ]
                  }
                }
                """);
        SweepSpec s = SweepSpec.load(f);
        assertEquals(4, s.runs().size());
        assertEquals(List.of(1L, 1L, 2L, 2L), s.runs().stream().map(r -> r.config().get(RunConfig.SEED)).toList(),
                "seeds outermost: a sweep stopped part-way has every case for its first seeds");
        assertEquals(List.of("fo", "hyperdistill:0.99", "fo", "hyperdistill:0.99"),
                s.runs().stream().map(r -> r.config().get(RunConfig.ESTIMATOR)).toList());
        assertEquals(List.of("replay", "koopman", "replay", "koopman"),
                s.runs().stream().map(r -> r.config().get(RunConfig.AGGREGATOR)).toList());
        assertEquals("seed=2,aggregator=koopman,estimator=hyperdistill:0.99", s.runs().get(3).name(),
                "a run is named by its settings alone, so adding a case later leaves this folder in place");
        ConfigException e = assertThrows(ConfigException.class, () -> SweepSpec.load(write(tmp, "bad.conf",
                "sweep { base = base.conf, grid { cases = [fo, one-step] } }")));
        assertTrue(e.getMessage().contains("sweep.grid.cases") && e.getMessage().contains("objects"), e.getMessage());
    }

    @Test
    void badSweepsNameTheKey(@TempDir Path tmp) throws Exception {
        write(tmp, "base.conf", BASE);
        ConfigException e = assertThrows(ConfigException.class, () -> SweepSpec.load(write(tmp, "a.conf",
                "sweep { base = base.conf, grid { \"hypergrad.outer.lrr\" = [1, 2] } }")));
        assertTrue(e.getMessage().contains("hypergrad.outer.lrr") && e.getMessage().contains("did you mean hypergrad.outer.lr"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> SweepSpec.load(write(tmp, "b.conf", "sweep { grids { } }")));
        assertTrue(e.getMessage().contains("sweep.grids"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> SweepSpec.load(write(tmp, "c.conf", "sweep { base = nope.conf }")));
        assertTrue(e.getMessage().contains("nope.conf"), e.getMessage());
        e = assertThrows(ConfigException.class, () -> SweepSpec.load(write(tmp, "d.conf",
                "sweep { base = base.conf, grid { cases = [ { \"hypergrad.estimator\" = fo }, { \"hypergrad.estimator\" = fo } ] } }")));
        assertTrue(e.getMessage().contains("runs 1 and 2 have the same settings (estimator=fo)"), e.getMessage());
    }

    @Test
    void runsConcurrentlyInOneApplicationAndSkipsCompletedRunsOnResume(@TempDir Path tmp) throws Exception {
        write(tmp, "base.conf", BASE);
        File f = write(tmp, "s.conf", """
                sweep { name = demo, base = base.conf, metric = finalValLoss, goal = min,
                        grid { "hypergrad.estimator" = ["fo", "one-step", "truncated:2"] } }
                """);
        SweepSpec s = SweepSpec.load(f);
        SparkConf conf = SparkSetup.configure(new SparkConf().setMaster("local[2]").setAppName("sweep-test")
                .set("spark.ui.enabled", "false").set("spark.scheduler.mode", "FAIR"));
        String dir = tmp.resolve("out").toString();
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            RunFolder folder = new RunFolder(dir, sc.hadoopConfiguration());
            List<String> events = new ArrayList<>();
            List<SweepRunner.Row> rows = new SweepRunner(sc, s, folder).run(2, (run, msg) -> {
                synchronized (events) {
                    events.add(run + ": " + msg);
                }
            });
            assertEquals(3, rows.size());
            assertTrue(rows.stream().allMatch(r -> r.state().equals("complete")), rows.toString());
            assertTrue(rows.get(0).metric() <= rows.get(1).metric() && rows.get(1).metric() <= rows.get(2).metric(), "ranked by min");
            assertTrue(folder.readText("summary.md").contains("| 1 | " + rows.get(0).name()));
            events.clear();
            new SweepRunner(sc, s, folder).run(2, (run, msg) -> events.add(run + ": " + msg));
            assertEquals(3, events.size());
            assertTrue(events.stream().allMatch(e -> e.endsWith("complete; skipped")), events.toString());
        }
    }
}
