package io.hypergrad.driver.export;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.problems.LearnedNetwork;
import io.hypergrad.common.problems.ProblemFactory;
import io.hypergrad.driver.checkpoint.CheckpointStore;
import io.hypergrad.driver.cli.Main;
import io.hypergrad.driver.checkpoint.DriverState;
import io.hypergrad.driver.output.RunFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code export RUNDIR --format dl4j [--fit]} on a finished run, with the add-on on the class path as the launcher puts it. */
class Dl4jExporterTest {
    @TempDir
    Path tmp;

    private Path sinusoidRun() {
        Path run = tmp.resolve("run");
        Out r = run("run", "-", "--master", "local[2]", "--out", run.toString(),
                "--set", "problem=sinusoid", "--set", "rounds=3", "--set", "metaBatch=2", "--set", "model.width=16",
                "--set", "model.depth=2", "--set", "inner.steps=5", "--set", "inner.lr=0.05", "--set", "eval.every=0",
                "--set", "eval.testTasks=4", "--set", "estimator=one-step");
        assertEquals(0, r.code(), r.stderr());
        return run;
    }

    @Test
    void writesAZipThatLoadsBackAndComputesTheLearnedNetworkThenFitsItOnSpark() throws Exception {
        Path run = sinusoidRun();
        Out r = run("export", run.toString(), "--fit", "--master", "local[2]",
                "--epochs", "20");
        assertEquals(0, r.code(), r.stderr());
        RunFolder folder = new RunFolder(run.toString(), new org.apache.hadoop.conf.Configuration());
        DriverState state = new CheckpointStore(folder, io.hypergrad.common.config.RunConfig.parse(folder.readText("config.conf"))).loadNewest().orElseThrow();
        RunConfig config = RunConfig.parse(folder.readText("config.conf"));
        LearnedNetwork net = ProblemFactory.create(config).learnedNetwork(state.lambda, state.phi, config.get(RunConfig.SEED));
        MultiLayerNetwork back = Dl4jExport.unzip(Files.readAllBytes(run.resolve("export/model-dl4j.zip")));
        assertTrue(Dl4jExport.maxDifference(net, back, net.calibration()) <= Dl4jExporter.MAX_DIFFERENCE);

        JsonNode meta = new com.fasterxml.jackson.databind.ObjectMapper().readTree(run.resolve("export/model-dl4j.json").toFile());
        assertEquals(CheckpointStore.fingerprint(state.lambda), meta.get("lambdaSha256").asText());
        assertEquals("λ (frozen)", meta.get("layers").get(0).get("role").asText());
        assertEquals(0.05, meta.get("layers").get(2).get("learningRate").asDouble(), 0.0);
        // the head (17 weights) can fit 10 shots better than it generalises, so the fit is checked on what it optimises
        JsonNode loss = meta.get("fit").get("trainingLoss");
        assertTrue(loss.get(1).asDouble() < 0.9 * loss.get(0).asDouble(), "the fit lowers the task's training loss: " + loss);
        MultiLayerNetwork fitted = Dl4jExport.unzip(Files.readAllBytes(run.resolve("export/model-dl4j-fit.zip")));
        assertFalse(fitted.params().equals(back.params()), "the fitted network's weights moved");
        assertTrue(r.stdout().contains("parameter averaging"), r.stdout());
    }

    @Test
    void aTunedBinaryClassifierOnARealTableHandsOverWithOneSigmoidOutput() throws Exception {
        // init's starter config on breast cancer (binary cross-entropy on one logit), run, then exported.
        io.hypergrad.common.data.Dataset d = io.hypergrad.common.data.SklearnReader.readWithHeader(
                io.hypergrad.common.data.Datasets.dataDir("") + "/sklearn/breast_cancer.csv");
        StringBuilder csv = new StringBuilder();
        for (int j = 0; j < d.featureSize(); j++) {
            csv.append('f').append(j).append(',');
        }
        csv.append("diagnosis\n");
        double[] row = new double[d.featureSize()];
        for (int i = 0; i < d.size(); i++) {
            d.copyExample(i, row, 0);
            for (double v : row) {
                csv.append(String.format(java.util.Locale.ROOT, "%s,", (float) v));
            }
            csv.append(d.classNames().get(d.labels()[i])).append('\n');
        }
        Path table = Files.writeString(tmp.resolve("breast_cancer.csv"), csv);
        Path conf = tmp.resolve("bc.conf");
        Out init = run("init", "--data", table.toString(), "--label", "diagnosis", "--out", conf.toString());
        assertEquals(0, init.code(), init.stderr());
        Path out = tmp.resolve("bc-run");
        Out r = run("run", conf.toString(), "--out", out.toString(), "--master", "local[2]");
        assertEquals(0, r.code(), r.stderr());
        Out export = run("export", out.toString(), "--out", tmp.resolve("bc-export").toString());
        assertEquals(0, export.code(), export.stderr());
        MultiLayerNetwork back = Dl4jExport.unzip(Files.readAllBytes(tmp.resolve("bc-export/model-dl4j.zip")));
        assertEquals(1, back.layerSize(back.getnLayers() - 1), "one sigmoid output for a binary classifier");
    }

    record Out(int code, String stdout, String stderr) {}

    static Out run(String... args) {
        java.io.ByteArrayOutputStream o = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream e = new java.io.ByteArrayOutputStream();
        java.io.PrintStream old = System.out;
        System.setOut(new java.io.PrintStream(o, true, java.nio.charset.StandardCharsets.UTF_8));
        try {
            int code = Main.execute(System.out, new java.io.PrintStream(e, true, java.nio.charset.StandardCharsets.UTF_8), args);
            return new Out(code, o.toString(java.nio.charset.StandardCharsets.UTF_8), e.toString(java.nio.charset.StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }
}
