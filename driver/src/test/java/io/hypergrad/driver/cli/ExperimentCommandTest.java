package io.hypergrad.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code experiment NAME --table-only}: the table of the runs that have finished, while the rest of the
 * sweep is still running (or stopped); nothing is run, and an experiment with no results folder or no finished run
 * is refused without creating anything.
 */
class ExperimentCommandTest {
    @Test
    void tableOnlyTablesTheFinishedRunsAndRunsNothing(@TempDir Path home) throws Exception {
        Path experiments = Files.createDirectories(home.resolve("conf/experiments"));
        Files.writeString(experiments.resolve("base.conf"), "hypergrad { problem = sinusoid, rounds = 2 }");
        Files.writeString(experiments.resolve("t.conf"), """
                sweep { name = t, base = base.conf, metric = metaTest.learned.loss, goal = min
                  grid { "hypergrad.seed" = [0, 1], cases = [ { "hypergrad.estimator" = fo }, { "hypergrad.estimator" = one-step } ] } }
                """);
        Path out = home.resolve("out");
        String previous = System.getProperty("hypergrad.home");
        System.setProperty("hypergrad.home", home.toString());
        try {
            ByteArrayOutputStream missing = new ByteArrayOutputStream();
            int code = Main.execute(System.out, new PrintStream(missing, true, StandardCharsets.UTF_8), "experiment", "t", "--out", out.toString(), "--table-only");
            assertEquals(ExitCode.USAGE, code, "no results folder yet");
            assertTrue(missing.toString(StandardCharsets.UTF_8).contains("has no results folder"), missing.toString(StandardCharsets.UTF_8));
            assertFalse(Files.exists(out), "refusing creates nothing");

            Files.createDirectories(out);
            ByteArrayOutputStream err = new ByteArrayOutputStream();
            code = Main.execute(System.out, new PrintStream(err, true, StandardCharsets.UTF_8), "experiment", "t", "--out", out.toString(), "--table-only");
            assertEquals(ExitCode.USAGE, code, "nothing finished yet");
            assertTrue(err.toString(StandardCharsets.UTF_8).contains("no run of experiment 't' has finished"), err.toString(StandardCharsets.UTF_8));

            Path fo = Files.createDirectories(out.resolve("seed=0,estimator=fo"));
            Files.writeString(fo.resolve("summary.json"), "{\"metaTest\":{\"tasks\":10,\"learned\":{\"loss\":0.5,\"lossCi95\":0.1},"
                    + "\"initial\":{\"loss\":4.0,\"lossCi95\":0.3}}}");
            Files.writeString(fo.resolve("metrics.jsonl"), "{\"jvps\":0,\"taskSeconds\":1.0,\"episodes\":10}\n");
            code = Main.execute(System.out, System.err, "experiment", "t", "--out", out.toString(), "--table-only");
            assertEquals(ExitCode.OK, code);
            String[] table = Files.readString(out.resolve("results.md")).strip().split("\n");
            assertEquals(3, table.length, String.join("\n", table));
            assertTrue(table[2].startsWith("| fo | 1 | 0.5000 |"), table[2]);
            try (var runs = Files.list(out)) {
                assertEquals(1, runs.filter(Files::isDirectory).count(), "no other run was started");
            }
            assertFalse(Files.exists(out.resolve("seed=0,estimator=one-step")));
        } finally {
            if (previous == null) {
                System.clearProperty("hypergrad.home");
            } else {
                System.setProperty("hypergrad.home", previous);
            }
        }
    }
}
