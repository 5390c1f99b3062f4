package io.hypergrad.driver.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.config.ConfigException;
import io.hypergrad.driver.round.RunFailedException;
import io.hypergrad.driver.round.RunStoppedException;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notebook API on a user's SparkSession (Java serialisation, as a notebook's session would have). */
class HypergradApiTest {
    static SparkSession spark;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().master("local[2]").appName("api-test").config("spark.ui.enabled", "false").getOrCreate();
    }

    @AfterAll
    static void stop() {
        spark.stop();
    }

    Hypergrad small(Path dir) {
        return Hypergrad.on(spark).problem("sinusoid").estimator("one-step").rounds(3)
                .set("hypergrad.inner.steps", 4).set("hypergrad.model.width", 8).set("hypergrad.eval.testTasks", 0)
                .output(dir.toString());
    }

    @Test
    void fitReturnsTheHistoryTheLearnedLambdaAndTheFolder(@TempDir Path tmp) {
        List<Integer> seen = new ArrayList<>();
        Hypergrad.Result r = small(tmp.resolve("run")).listener((round, rounds, m, eta) -> seen.add(round)).fit();
        assertEquals(List.of(1, 2, 3), seen);
        assertEquals(3, r.history().size());
        assertEquals(r.summary().get("lambdaSize"), r.lambda().length);
        assertTrue(new File(tmp.resolve("run").toFile(), "summary.json").isFile());
    }

    @Test
    void settersValidateAtOnceAndBuildersAreImmutable() {
        Hypergrad base = Hypergrad.on(spark);
        ConfigException e = assertThrows(ConfigException.class, () -> base.set("hypergrad.outer.lr", -1));
        assertTrue(e.getMessage().contains("hypergrad.outer.lr"), e.getMessage());
        Hypergrad other = base.estimator("fo");
        assertEquals("fo", other.config().get(io.hypergrad.common.config.RunConfig.ESTIMATOR));
        assertEquals("one-step", base.config().get(io.hypergrad.common.config.RunConfig.ESTIMATOR));
    }

    @Test
    void aCancelledRunStopsAtASafePointAndTheSameFitResumesItToTheUninterruptedFingerprint(@TempDir Path tmp) throws Exception {
        String uninterrupted = (String) small(tmp.resolve("whole")).rounds(30).fit().summary().get("lambdaSha256");
        CountDownLatch threeRounds = new CountDownLatch(3);
        Hypergrad cut = small(tmp.resolve("cut")).rounds(30);
        Hypergrad.Handle h = cut.listener((round, rounds, m, eta) -> threeRounds.countDown()).start();
        assertTrue(threeRounds.await(120, TimeUnit.SECONDS));
        h.cancel();
        RunStoppedException e = assertThrows(RunStoppedException.class, h::join);
        assertTrue(e.getMessage().startsWith("stopped by cancel() during round ") && e.getMessage().endsWith("; nothing lost"), e.getMessage());
        assertEquals(uninterrupted, cut.fit().summary().get("lambdaSha256"));
    }

    @Test
    void aSecondFitIntoTheFolderOfARunningOneIsRefused(@TempDir Path tmp) throws Exception {
        CountDownLatch firstRound = new CountDownLatch(1);
        Hypergrad.Handle h = small(tmp).rounds(100_000).listener((round, rounds, m, eta) -> firstRound.countDown()).start();
        try {
            assertTrue(firstRound.await(120, TimeUnit.SECONDS));
            ConfigException e = assertThrows(ConfigException.class, () -> small(tmp).start());
            assertTrue(e.getMessage().contains("in use by another run"), e.getMessage());
        } finally {
            h.cancel();
            assertThrows(RunFailedException.class, h::join);
        }
    }

    @Test
    void theJShellExampleRuns() throws Exception {
        Path repo = Path.of("").toAbsolutePath();
        while (!Files.exists(repo.resolve("deploy/examples/notebook.jsh"))) {
            repo = repo.getParent();
        }
        String pom = Files.readString(repo.resolve("pom.xml"));
        String opens = pom.substring(pom.indexOf("<spark.java17.opens>") + 20, pom.indexOf("</spark.java17.opens>"));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "jshell").toString(),
                "--class-path", System.getProperty("java.class.path")));
        for (String flag : opens.trim().split("\\s+")) {
            cmd.add("-R" + flag);
        }
        cmd.add(repo.resolve("deploy/examples/notebook.jsh").toString());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS), "jshell did not finish");
        assertTrue(out.contains("round 3/3") && out.contains("rounds=3 lambda="), out);
    }
}
