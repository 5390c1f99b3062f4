package io.hypergrad.driver.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.driver.table.RealTables;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.evaluation.BinaryClassificationEvaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docs/USER-GUIDE.md's Spark ML section, run: the Java snippet between the guide markers below must
 * appear in the guide verbatim, and runs here on the real breast-cancer table (in a user's session: Java
 * serialisation, as a notebook's would be).
 */
class SparkMlGuideTest {
    @Test
    void theGuidesSnippetIsThisCodeAndRuns(@TempDir Path tmp) throws Exception {
        String guide = Files.readString(Path.of("..", "docs", "USER-GUIDE.md"), StandardCharsets.UTF_8);
        String snippet = snippet(Files.readString(Path.of("src/test/java/io/hypergrad/driver/ml/SparkMlGuideTest.java"), StandardCharsets.UTF_8));
        assertTrue(guide.contains(snippet), "docs/USER-GUIDE.md does not hold the snippet as this test runs it:\n" + snippet);

        SparkSession spark = SparkSession.builder().master("local[2]").appName("guide").config("spark.ui.enabled", "false").getOrCreate();
        String csv = RealTables.breastCancer(tmp).toString();
        String saved = tmp.resolve("pipeline").toString();
        try {
            // guide:begin
            Dataset<Row> table = spark.read().option("header", "true").option("inferSchema", "true").csv(csv);
            String[] features = IntStream.range(0, 30).mapToObj(i -> "f" + i).toArray(String[]::new);
            Dataset<Row>[] split = table.randomSplit(new double[] {0.8, 0.2}, 42);

            HypergradClassifier tuner = new HypergradClassifier()
                    .setHiddenLayers(16)                    // dense 30 → 16 → 1 (two classes: one logit)
                    .setWeightDecayScope("per-parameter")   // a weight decay per weight, a learning rate per layer
                    .setRounds(10).setSeed(3)
                    .setListener((round, rounds, metrics, eta) -> System.out.println("round " + round + "/" + rounds
                            + " valLoss " + metrics.get("valLoss")));
            Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
                new StringIndexer().setInputCol("diagnosis").setOutputCol("label"),
                new VectorAssembler().setInputCols(features).setOutputCol("features"),
                tuner});
            PipelineModel model = pipeline.fit(split[0]);
            model.write().overwrite().save(saved);

            PipelineModel loaded = PipelineModel.load(saved);
            Dataset<Row> scored = loaded.transform(split[1]);   // + rawPrediction, probability, prediction
            double auc = new BinaryClassificationEvaluator().evaluate(scored);
            double accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy").evaluate(scored);
            HypergradClassificationModel tuned = (HypergradClassificationModel) loaded.stages()[2];
            System.out.printf("%d hyperparameters tuned, λ %s…; held out: AUC %.4f, accuracy %.4f%n",
                    tuned.lambda().length, tuned.lambdaSha256().substring(0, 12), auc, accuracy);
            // guide:end
            assertEquals(2 + 16 * 30 + 16 + 16 + 1, tuned.lambda().length);
            assertTrue(auc > 0.95 && accuracy > 0.9, "AUC " + auc + ", accuracy " + accuracy);
        } finally {
            spark.stop();
        }
    }

    /** The lines between the markers {@code // guide:begin} and {@code // guide:end}, their common indentation removed. */
    static String snippet(String source) {
        return snippet(source, "guide");
    }

    /** The lines between the markers {@code // NAME:begin} and {@code // NAME:end}, their common indentation removed. */
    static String snippet(String source, String name) {
        List<String> lines = Arrays.asList(source.split("\n"));
        int from = lines.indexOf(lines.stream().filter(l -> l.trim().equals("// " + name + ":begin")).findFirst().orElseThrow()) + 1;
        int to = lines.indexOf(lines.stream().filter(l -> l.trim().equals("// " + name + ":end")).findFirst().orElseThrow());
        List<String> body = lines.subList(from, to);
        int indent = body.stream().filter(l -> !l.isBlank()).mapToInt(l -> l.length() - l.stripLeading().length()).min().orElse(0);
        return body.stream().map(l -> l.isBlank() ? "" : l.substring(indent)).collect(Collectors.joining("\n"));
    }
}
