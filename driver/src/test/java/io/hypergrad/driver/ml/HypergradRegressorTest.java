package io.hypergrad.driver.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.config.ConfigException;
import io.hypergrad.driver.spark.SparkSetup;
import io.hypergrad.driver.table.RealTables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The regressor on real data (diabetes): tuned per-parameter weight decays, a RegressionEvaluator on
 * its predictions, a kept run folder under outputDir, save and load to the same predictions; and a
 * config file under explicitly set Params.
 */
class HypergradRegressorTest {
    static SparkSession spark;
    @TempDir
    static Path tmp;
    static Dataset<Row> table;

    @BeforeAll
    static void start() throws Exception {
        spark = SparkSession.builder().config(SparkSetup.configure(new SparkConf().setMaster("local[2]").setAppName("ml-regressor-test")
                .set("spark.ui.enabled", "false"))).getOrCreate();
        Path csv = RealTables.diabetes(tmp);
        String[] features = IntStream.range(0, 10).mapToObj(i -> "f" + i).toArray(String[]::new);
        table = new VectorAssembler().setInputCols(features).setOutputCol("features")
                .transform(spark.read().option("header", "true").option("inferSchema", "true").csv(csv.toString()));
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void diabetesTunedScoredSavedAndLoaded() throws Exception {
        Files.writeString(tmp.resolve("small.conf"), "hypergrad { inner.steps = 40, rounds = 3, model.loss = huber }\n");
        HypergradRegressor hr = new HypergradRegressor().setLabelCol("progression").setHiddenLayers(32).setActivation("tanh")
                .setLearningRate(0.01).setWeightDecayScope("per-parameter").setRounds(6).setMetaBatch(2).setSeed(1)
                .setConfigFile(tmp.resolve("small.conf").toString()).setOverrides("hypergrad.model.loss = mse")
                .setOutputDir(tmp.resolve("runs").toString());
        HypergradRegressionModel m = hr.fit(table);
        assertEquals(6, m.history().size(), "rounds: the explicitly set Param beats the config file");
        assertTrue(m.network().loss().equals("mse"), "the overrides beat the config file");
        // per-layer log learning rates (2) + one log weight decay per parameter (10·32 + 32 + 32 + 1)
        assertEquals(2 + 385, m.lambda().length);
        assertEquals("logWeightDecay[dense1/W[0]]", m.lambdaNames().get(2));
        assertTrue(Files.isRegularFile(Path.of(m.runFolder().replaceFirst("^file:", ""), "summary.json")), m.runFolder());

        Dataset<Row> scored = m.transform(table);
        double r2 = new RegressionEvaluator().setLabelCol("progression").setMetricName("r2").evaluate(scored);
        double rmse = new RegressionEvaluator().setLabelCol("progression").evaluate(scored);
        assertTrue(r2 > 0.3, "R² " + r2 + ", RMSE " + rmse);

        String path = tmp.resolve("model").toString();
        m.write().overwrite().save(path);
        HypergradRegressionModel loaded = HypergradRegressionModel.load(path);
        assertEquals("progression", loaded.getOrDefault(loaded.labelCol()));
        assertArrayEquals(m.lambda(), loaded.lambda());
        List<Row> a = scored.select("prediction").collectAsList();
        List<Row> b = loaded.transform(table).select("prediction").collectAsList();
        assertEquals(a, b, "bit-for-bit the same predictions");
    }

    @Test
    void aClassificationLossIsRefusedByTheRegressor() {
        ConfigException e = assertThrows(ConfigException.class, () -> new HypergradRegressor().setLabelCol("progression")
                .setOverrides("hypergrad.model.loss = softmax_cross_entropy").fit(table));
        assertTrue(e.getMessage().contains("HypergradClassifier"), e.getMessage());
    }
}
