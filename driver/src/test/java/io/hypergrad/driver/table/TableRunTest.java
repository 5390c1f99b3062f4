package io.hypergrad.driver.table;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypergrad.common.config.RunConfig;
import io.hypergrad.driver.cli.Main;
import io.hypergrad.driver.output.RunFolder;
import io.hypergrad.driver.round.RoundListener;
import io.hypergrad.driver.round.RoundLoop;
import io.hypergrad.driver.spark.SparkSetup;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A user's own table, end to end: tuned from a config on real data, the tuned λ beating the initial one
 * on held-out test rows; the same λ on one or two executor threads and after a resume; a resume over
 * changed data refused; the tuned network scoring a table with {@code predict}.
 */
class TableRunTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Breast cancer, binary. The initial learning rate (1e-3 for 40 steps) leaves the MLP under-trained on
     * purpose: a tuner that works must find that out from the validation rows and raise it.
     */
    static String breastCancerConfig(Path csv) {
        return """
                hypergrad {
                  problem = table
                  seed = 3
                  data {
                    format = csv
                    path = "%s"
                    options { header = true, inferSchema = true }
                    label = diagnosis
                    split { validation = 0.2, test = 0.25 }
                  }
                  model {
                    loss = binary_cross_entropy
                    layers = [ { type = dense, out = 16, activation = relu }, { type = dense } ]
                  }
                  hyper { learningRate = per-layer, weightDecay = per-layer }
                  inner { steps = 40, batchSize = 32, lr = 0.001, momentum = 0.9, weightDecay = 1e-3 }
                  estimator = "hyperdistill:0.99"
                  aggregator = sum
                  outer { optimizer = adam, lr = 0.2, schedule = constant }
                  rounds = 8
                  metaBatch = 2
                  eval.every = 4
                }
                """.formatted(csv.toString().replace("\\", "/"));
    }

    static Map<String, Object> run(String master, String dir, RunConfig c, boolean resume, int stopAfter) {
        SparkConf conf = SparkSetup.configure(new SparkConf().setMaster(master).setAppName("test").set("spark.ui.enabled", "false"));
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            return new RoundLoop(sc, c, new RunFolder(dir, sc.hadoopConfiguration()), RoundListener.NONE).run(resume, stopAfter);
        }
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> test(Map<String, Object> summary, String which) {
        return (Map<String, Object>) ((Map<String, Object>) summary.get("test")).get(which);
    }

    @Test
    void breastCancerTunedBeatsInitialAndIsDeterministic(@TempDir Path tmp) throws Exception {
        RunConfig c = RunConfig.parse(breastCancerConfig(RealTables.breastCancer(tmp)));
        Map<String, Object> one = run("local[1]", tmp.resolve("a").toString(), c, false, -1);
        Map<String, Object> initial = test(one, "initial");
        Map<String, Object> tuned = test(one, "tuned");
        assertTrue((double) tuned.get("logLoss") < (double) initial.get("logLoss"), "test log loss " + initial + " → " + tuned);
        assertTrue((double) tuned.get("accuracy") >= (double) initial.get("accuracy"), "test accuracy " + initial + " → " + tuned);
        assertTrue(tuned.containsKey("auc"), "a binary classifier reports AUC: " + tuned);

        Map<String, Object> two = run("local[2]", tmp.resolve("b").toString(), c, false, -1);
        String d = tmp.resolve("d").toString();
        assertEquals(null, run("local[2]", d, c, false, 3));
        Map<String, Object> resumed = run("local[2]", d, c, true, -1);
        assertEquals(one.get("lambdaSha256"), two.get("lambdaSha256"), "local[1] vs local[2]");
        assertEquals(one.get("lambdaSha256"), resumed.get("lambdaSha256"), "stopped after 3 rounds and resumed");
    }

    /**
     * The online setting: one training run of T = 40 steps continues across rounds in windows of 10 (λ
     * tuned between windows; a new run starts when one ends), with the same λ on one or two executor
     * threads and after a resume in the middle of a run.
     */
    @Test
    void oneLongTrainingTunedWindowByWindow(@TempDir Path tmp) throws Exception {
        RunConfig c = RunConfig.parse(breastCancerConfig(RealTables.breastCancer(tmp)))
                .with("hypergrad.inner.window", "10").with("hypergrad.metaBatch", "1").with("hypergrad.rounds", "6");
        Map<String, Object> one = run("local[1]", tmp.resolve("a").toString(), c, false, -1);
        Map<String, Object> two = run("local[2]", tmp.resolve("b").toString(), c, false, -1);
        String d = tmp.resolve("d").toString();
        run("local[2]", d, c, false, 2);
        Map<String, Object> resumed = run("local[2]", d, c, true, -1);
        assertEquals(6, one.get("rounds"));
        assertEquals(1, ((Number) one.get("episodes")).intValue(), "6 windows of 10 steps: one run of 40 ended, the next is half-way");
        assertEquals(one.get("lambdaSha256"), two.get("lambdaSha256"), "local[1] vs local[2]");
        assertEquals(one.get("lambdaSha256"), resumed.get("lambdaSha256"), "resumed in the middle of a training run");
    }

    @Test
    void resumeOverChangedDataIsRefusedNamingTheChange(@TempDir Path tmp) throws Exception {
        Path csv = RealTables.breastCancer(tmp.resolve("src"));
        RunConfig c = RunConfig.parse(breastCancerConfig(csv));
        String d = tmp.resolve("run").toString();
        run("local[1]", d, c, false, 1);
        Files.writeString(csv, Files.readString(csv) + Files.readAllLines(csv).get(1) + "\n");
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Path conf = tmp.resolve("bc.conf");
        Files.writeString(conf, breastCancerConfig(csv));
        int code = Main.execute(new PrintStream(new ByteArrayOutputStream()), new PrintStream(err, true, StandardCharsets.UTF_8),
                "run", conf.toString(), "--out", d, "--resume", "--master", "local[1]");
        String message = err.toString(StandardCharsets.UTF_8);
        assertEquals(3, code, message);
        assertTrue(message.contains("changed") && message.contains("breast_cancer.csv"), message);
    }

    @Test
    void diabetesRegressionFromTheCommandLineThenPredict(@TempDir Path tmp) throws Exception {
        Path csv = RealTables.diabetes(tmp);
        Path conf = tmp.resolve("diabetes.conf");
        Files.writeString(conf, """
                hypergrad {
                  problem = table
                  seed = 1
                  data { format = csv, path = "%s", label = progression, options { header = true, inferSchema = true } }
                  model { loss = mse, layers = [ { type = dense, out = 32, activation = tanh }, { type = dense } ] }
                  hyper { learningRate = per-layer, weightDecay = per-layer }
                  inner { steps = 40, batchSize = 32, lr = 0.001, momentum = 0.9, weightDecay = 1e-3 }
                  estimator = "hyperdistill:0.99"
                  aggregator = sum
                  outer { optimizer = adam, lr = 0.2, schedule = constant }
                  rounds = 8
                  metaBatch = 2
                }
                """.formatted(csv.toString().replace("\\", "/")));
        String run = tmp.resolve("run").toString();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.execute(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                "run", conf.toString(), "--out", run, "--master", "local[2]");
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        JsonNode summary = JSON.readTree(Files.readString(Path.of(run, "summary.json")));
        double before = summary.at("/test/initial/rmse").asDouble();
        double after = summary.at("/test/tuned/rmse").asDouble();
        assertTrue(after < before, "test RMSE " + before + " → " + after);
        assertTrue(summary.at("/test/tuned/r2").isNumber() && summary.at("/test/tuned/mae").isNumber(), summary.toString());

        String scored = tmp.resolve("scored").toString();
        code = Main.execute(new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                "predict", run, "--input", csv.toString(), "--output", scored);
        assertEquals(0, code, err.toString(StandardCharsets.UTF_8));
        try (SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate()) {
            Dataset<Row> p = spark.read().parquet(scored);
            assertEquals(442, p.count());
            assertTrue(java.util.List.of(p.columns()).containsAll(java.util.List.of("f0", "f9", "progression", "prediction")));
            // The predictions are the tuned network's: their RMSE over every row is close to the test RMSE
            // (the test rows are a quarter of them; a model no better than the mean would be at the target's s.d., ≈ 77).
            double mse = p.selectExpr("avg(pow(prediction - progression, 2))").first().getDouble(0);
            assertTrue(Math.sqrt(mse) < 1.3 * after, "RMSE over all rows " + Math.sqrt(mse) + " vs test " + after);
        }
    }
}
