package io.hypergrad.driver.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.data.DatasetException;
import io.hypergrad.driver.spark.SparkSetup;
import io.hypergrad.driver.table.RealTables;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The classifier as a Spark ML stage on real data (breast cancer, its string label): a Pipeline of
 * StringIndexer, VectorAssembler and HypergradClassifier fits, saves, loads and transforms to the same
 * bits; Spark's evaluators score the output; Params validate and copy as Spark's do.
 */
class HypergradClassifierTest {
    static SparkSession spark;
    @TempDir
    static Path tmp;
    static Dataset<Row> table;
    static PipelineModel fitted;
    static List<Integer> rounds = new ArrayList<>();

    @BeforeAll
    static void fit() throws Exception {
        spark = SparkSession.builder().config(SparkSetup.configure(new SparkConf().setMaster("local[2]").setAppName("ml-test")
                .set("spark.ui.enabled", "false"))).getOrCreate();
        Path csv = RealTables.breastCancer(tmp);
        table = spark.read().option("header", "true").option("inferSchema", "true").csv(csv.toString());
        fitted = pipeline().fit(table);
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    static Pipeline pipeline() {
        String[] features = IntStream.range(0, 30).mapToObj(i -> "f" + i).toArray(String[]::new);
        HypergradClassifier hc = new HypergradClassifier().setHiddenLayers(16).setRounds(6).setInnerSteps(40).setMetaBatch(2).setSeed(3)
                .setListener((round, total, metrics, eta) -> rounds.add(round));
        return new Pipeline().setStages(new PipelineStage[] {
            new StringIndexer().setInputCol("diagnosis").setOutputCol("label"),
            new VectorAssembler().setInputCols(features).setOutputCol("features"),
            hc});
    }

    static HypergradClassificationModel model(PipelineModel p) {
        return (HypergradClassificationModel) p.stages()[2];
    }

    @Test
    void pipelineFitsWithProgressAndTheEvaluatorsScoreItsOutput() {
        assertEquals(List.of(1, 2, 3, 4, 5, 6), rounds, "the listener saw every round");
        Dataset<Row> scored = fitted.transform(table);
        assertEquals(List.of("rawPrediction", "probability", "prediction"),
                List.of(scored.columns()).subList(scored.columns().length - 3, scored.columns().length));
        double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(scored);
        double auc = new BinaryClassificationEvaluator().evaluate(scored);
        double auc2 = new BinaryClassificationEvaluator().setRawPredictionCol("probability").evaluate(scored);
        assertTrue(accuracy > 0.9, "accuracy " + accuracy);
        assertTrue(auc > 0.95, "AUC " + auc);
        assertEquals(auc, auc2, 1e-9, "(−z, z) and the probabilities rank the rows alike");
        Row first = scored.first();
        Vector p = first.getAs("probability");
        assertEquals(1.0, p.apply(0) + p.apply(1), 1e-12);
        assertEquals(p.argmax(), (int) first.<Double>getAs("prediction").doubleValue());
    }

    @Test
    void pipelineSavesAndLoadsToTheSamePredictions() throws Exception {
        String path = tmp.resolve("pipeline").toString();
        fitted.write().overwrite().save(path);
        PipelineModel loaded = PipelineModel.load(path);
        HypergradClassificationModel a = model(fitted);
        HypergradClassificationModel b = model(loaded);
        assertEquals(a.uid(), b.uid());
        assertEquals(a.lambdaSha256(), b.lambdaSha256());
        assertEquals(a.lambdaNames(), b.lambdaNames());
        assertArrayEquals(a.lambda(), b.lambda());
        assertEquals(a.history(), b.history());
        assertEquals(a.summary(), b.summary());
        assertArrayEquals(a.network().w(), b.network().w());
        List<Row> before = fitted.transform(table).select("rawPrediction", "probability", "prediction").collectAsList();
        List<Row> after = loaded.transform(table).select("rawPrediction", "probability", "prediction").collectAsList();
        assertEquals(before, after, "bit-for-bit the same predictions");

        // and the model alone, saved again from the loaded one: the same files
        String m1 = tmp.resolve("m1").toString();
        String m2 = tmp.resolve("m2").toString();
        a.write().save(m1);
        HypergradClassificationModel.load(m1).write().save(m2);
        for (String f : List.of("model/network.json", Tuning.FILE)) {
            assertArrayEquals(Files.readAllBytes(Path.of(m1, f)), Files.readAllBytes(Path.of(m2, f)), f);
        }
    }

    @Test
    void theModelExposesWhatWasTuned() {
        HypergradClassificationModel m = model(fitted);
        // 2 dense layers: a log learning rate and a log weight decay each (per-layer, the defaults)
        assertEquals(List.of("logLearningRate[dense1]", "logLearningRate[dense2]", "logWeightDecay[dense1]", "logWeightDecay[dense2]"),
                m.lambdaNames());
        assertEquals(m.summary().get("lambdaSha256"), m.lambdaSha256());
        assertEquals(6, m.history().size());
        assertEquals(2, m.numClasses());
        assertEquals("", m.runFolder(), "no outputDir: a temporary run folder, removed");
    }

    @Test
    void paramsAreTypedDocumentedValidatedCopiedAndSavedAsSparksAre() throws Exception {
        HypergradClassifier hc = new HypergradClassifier();
        String explained = hc.explainParams();
        for (String p : List.of("featuresCol", "labelCol", "predictionCol", "probabilityCol", "rawPredictionCol", "hiddenLayers", "learningRateScope",
                "weightDecayScope", "estimator", "rounds", "innerSteps", "seed", "configFile", "overrides", "outputDir")) {
            assertTrue(explained.contains(p + ":"), p + " in " + explained);
        }
        assertTrue(explained.contains("rounds: outer rounds (λ updates) (default: 20)"), explained);
        assertThrows(IllegalArgumentException.class, () -> hc.setRounds(0));
        assertThrows(IllegalArgumentException.class, () -> hc.setEstimator("no-such-estimator"));
        assertThrows(IllegalArgumentException.class, () -> hc.setLearningRateScope("per-row"));
        assertThrows(IllegalArgumentException.class, () -> hc.setOverrides("hypergrad.inner.lrr = 0.1"));

        HypergradClassifier copy = hc.setRounds(7).copy(new ParamMap().put(hc.seed().w(11L)));
        assertNotSame(hc, copy);
        assertEquals(hc.uid(), copy.uid());
        assertEquals(7, copy.getRounds());
        assertEquals(11L, copy.getSeed());
        assertEquals(0L, hc.getSeed(), "the original is unchanged");

        String saved = tmp.resolve("estimator").toString();
        copy.write().overwrite().save(saved);
        HypergradClassifier loaded = HypergradClassifier.load(saved);
        assertEquals(copy.uid(), loaded.uid());
        assertEquals(11L, loaded.getSeed());
        assertEquals(7, loaded.getRounds());

        HypergradClassificationModel m = model(fitted);
        HypergradClassificationModel mc = m.copy(new ParamMap().put(m.predictionCol().w("p")));
        assertEquals("p", mc.getPredictionCol());
        assertEquals("prediction", m.getPredictionCol());
        assertEquals(m.parent(), mc.parent());
        assertTrue(List.of(mc.transform(fitted.stages()[1].transform(fitted.stages()[0].transform(table))).columns()).contains("p"));
    }

    @Test
    void wrongColumnsAreClearErrors() {
        Dataset<Row> indexed = fitted.stages()[0].transform(table);
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> new HypergradClassifier().setFeaturesCol("feats").fit(indexed));
        assertTrue(missing.getMessage().startsWith("featuresCol = 'feats': no such column; the columns are: f0 (double)"), missing.getMessage());
        assertTrue(missing.getMessage().contains("label (double)"), missing.getMessage());

        IllegalArgumentException notVector = assertThrows(IllegalArgumentException.class,
                () -> new HypergradClassifier().setFeaturesCol("f0").fit(indexed));
        assertTrue(notVector.getMessage().contains("VectorAssembler"), notVector.getMessage());

        Dataset<Row> assembled = fitted.stages()[1].transform(indexed);
        IllegalArgumentException stringLabel = assertThrows(IllegalArgumentException.class,
                () -> new HypergradClassifier().setLabelCol("diagnosis").fit(assembled));
        assertTrue(stringLabel.getMessage().contains("StringIndexer"), stringLabel.getMessage());

        DatasetException notIndices = assertThrows(DatasetException.class,
                () -> new HypergradClassifier().setLabelCol("f1").fit(assembled.drop("label").withColumnRenamed("f1", "f1")));
        assertTrue(notIndices.getMessage().contains("class indices 0, 1, …, k−1"), notIndices.getMessage());

        IllegalArgumentException taken = assertThrows(IllegalArgumentException.class, () -> model(fitted).setPredictionCol("f2").transform(assembled));
        assertTrue(taken.getMessage().contains("already has this column"), taken.getMessage());
        model(fitted).setPredictionCol("prediction");
    }
}
