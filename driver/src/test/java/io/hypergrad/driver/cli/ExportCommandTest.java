package io.hypergrad.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.driver.export.NetworkExporter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code export}'s refusals, and what it says where the DL4J add-on is not on the class path — as in every
 * training job, whose jar no longer carries DL4J and ND4J's natives (the export itself is tested in the
 * add-on, {@code dl4j/}).
 */
class ExportCommandTest {
    @TempDir
    Path tmp;

    @Test
    void withoutTheAddOnExportSaysHowToGetItAndWritesNothing() {
        assertNull(NetworkExporter.find("dl4j"), "the driver's own class path has no DL4J");
        Path run = tmp.resolve("run");
        HypergradientCommandTest.Out r = HypergradientCommandTest.run("run", "-", "--master", "local[2]", "--out", run.toString(),
                "--set", "problem=sinusoid", "--set", "rounds=1", "--set", "metaBatch=2", "--set", "model.width=8",
                "--set", "inner.steps=3", "--set", "eval.every=0", "--set", "eval.testTasks=0", "--set", "estimator=one-step");
        assertEquals(0, r.code(), r.stderr());
        HypergradientCommandTest.Out export = HypergradientCommandTest.run("export", run.toString());
        assertEquals(ExitCode.USAGE, export.code());
        assertTrue(export.stderr().contains("needs the DL4J add-on") && export.stderr().contains("deploy/bin/hypergrad export"), export.stderr());
        assertFalse(Files.exists(run.resolve("export")), "nothing written");
    }

    @Test
    void refusesWhatIsNotARunFolderAndUnknownFormats() {
        HypergradientCommandTest.Out none = HypergradientCommandTest.run("export", tmp.resolve("nothing").toString());
        assertEquals(ExitCode.USAGE, none.code());
        assertTrue(none.stderr().contains("is not a run folder"), none.stderr());
        HypergradientCommandTest.Out format = HypergradientCommandTest.run("export", tmp.toString(), "--format", "onnx");
        assertEquals(ExitCode.USAGE, format.code());
        assertTrue(format.stderr().contains("only dl4j"), format.stderr());
        assertFalse(Files.exists(tmp.resolve("nothing/export")), "nothing written");
        assertFalse(Files.exists(tmp.resolve("nothing")), "refusing a missing run folder does not create it");
        HypergradientCommandTest.Out report = HypergradientCommandTest.run("report", tmp.resolve("nothing").toString());
        assertEquals(ExitCode.USAGE, report.code());
        assertTrue(report.stderr().contains("is not a run folder (no metrics.jsonl)"), report.stderr());
        assertFalse(Files.exists(tmp.resolve("nothing")), "nor does report");
    }
}
