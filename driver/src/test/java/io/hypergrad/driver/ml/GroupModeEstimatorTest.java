package io.hypergrad.driver.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.driver.spark.SparkSetup;
import io.hypergrad.driver.table.RealTables;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Group mode through the Spark ML regressor, on the World Bank's fertility rates (a row per country and
 * year, a country per group): fit with {@code groupCol} on training countries; transform held-out
 * countries of which only three years are labelled, each country adapting on its own three years; score
 * the unlabelled years with RegressionEvaluator. The same predictions after save and load and whatever
 * the input's partitioning.
 */
class GroupModeEstimatorTest {
    static SparkSession spark;
    @TempDir
    static Path tmp;
    static Dataset<Row> training;
    static Dataset<Row> heldOut;

    @BeforeAll
    static void start() {
        spark = SparkSession.builder().config(SparkSetup.configure(new SparkConf().setMaster("local[2]").setAppName("ml-group-test")
                .set("spark.ui.enabled", "false"))).getOrCreate();
        Dataset<Row> all = new VectorAssembler().setInputCols(new String[] {"year"}).setOutputCol("features")
                .transform(RealTables.fertility(spark));
        // a fifth of the countries held out, by a hash of the name
        Dataset<Row> marked = all.withColumn("heldOut", xxhash64(col("country")).mod(5).equalTo(0));
        training = marked.filter(col("heldOut").equalTo(false)).drop("heldOut");
        // of a held-out country, three years (chosen by a hash) keep their label; the others are to be predicted
        Dataset<Row> ranked = marked.filter(col("heldOut")).drop("heldOut")
                .withColumn("pick", org.apache.spark.sql.functions.row_number().over(Window.partitionBy("country").orderBy(xxhash64(col("country"), col("year")))));
        heldOut = ranked.withColumn("truth", col("fertility")).withColumn("labelled", col("pick").leq(3))
                .withColumn("fertility", when(col("pick").leq(3), col("fertility")).otherwise(lit(null).cast("double"))).drop("pick").cache();
    }

    @AfterAll
    static void stop() {
        if (spark != null) {
            spark.stop();
        }
    }

    @Test
    void unseenCountriesAdaptOnTheirLabelledYears() throws Exception {
        String guide = Files.readString(Path.of("..", "docs", "USER-GUIDE.md"), StandardCharsets.UTF_8);
        String snippet = SparkMlGuideTest.snippet(Files.readString(Path.of("src/test/java/io/hypergrad/driver/ml/GroupModeEstimatorTest.java"),
                StandardCharsets.UTF_8), "guide:groups");
        assertTrue(guide.contains(snippet), "docs/USER-GUIDE.md does not hold the snippet as this test runs it:\n" + snippet);

        // guide:groups:begin
        HypergradRegressor estimator = new HypergradRegressor()
                .setLabelCol("fertility").setGroupCol("country")   // each country is a task
                .setShots(3).setQueries(10)                        // adapt on 3 of its years, validated on 10 others
                .setLearningRate(0.1).setMomentum(0).setLearningRateScope("constant").setWeightDecayScope("constant")
                .setInnerSteps(10).setBatchSize(10).setEstimator("reverse").setRounds(25).setMetaBatch(8)
                .setOuterLearningRate(0.01).setSeed(2).setValidationFraction(0.15).setTestFraction(0.2)
                // ANIL's shape: the hidden layers are λ (meta-learned by hypergradient), the start φ of the head by Reptile
                .setOverrides("hypergrad.model.layers = [{type = dense, out = 32, activation = tanh, role = hyper}, "
                        + "{type = dense, out = 32, activation = tanh, role = hyper}, {type = dense}]",
                        "hypergrad.reptile.stepSize = 0.5", "hypergrad.eval.every = 0", "hypergrad.inner.weightDecay = 0");
        HypergradRegressionModel model = estimator.fit(training);

        // each held-out country adapts on its labelled years (fertility not null), then predicts all of its years
        Dataset<Row> scored = model.transform(heldOut);
        double adapted = new RegressionEvaluator().setLabelCol("truth").evaluate(scored.filter(col("fertility").isNull()));
        // guide:groups:end
        assertTrue(model.groupMode());
        assertEquals("country", model.getGroupCol());
        // The same rows picked by the other column: the same RMSE up to the order of Spark's sum over partitions
        // (its evaluator merges partition results as they arrive), so to a few ulps, not to the bit.
        assertEquals(adapted, new RegressionEvaluator().setLabelCol("truth").evaluate(scored.filter(not(col("labelled")))), 1e-14 * adapted);
        RegressionEvaluator rmse = new RegressionEvaluator().setLabelCol("truth");
        long countries = heldOut.select("country").distinct().count();
        assertEquals(heldOut.count(), scored.count(), "every row of every held-out country is predicted");
        // φ alone (no labelled years: nothing to adapt on) against φ adapted to each country's three years
        double start = rmse.evaluate(model.transform(heldOut.withColumn("fertility", lit(null).cast("double"))).filter(not(col("labelled"))));
        System.out.printf("group mode (ml): %d held-out countries, RMSE on unlabelled years %.3f adapted, %.3f from φ alone%n", countries, adapted,
                start);
        assertTrue(adapted < start, "adapting on three labelled years beats φ alone: " + adapted + " vs " + start);

        List<Row> before = sorted(scored);
        assertEquals(before, sorted(model.transform(heldOut.repartition(3))), "the same predictions whatever the partitioning");
        String path = tmp.resolve("group-model").toString();
        model.write().overwrite().save(path);
        HypergradRegressionModel loaded = HypergradRegressionModel.load(path);
        assertTrue(loaded.groupMode());
        assertEquals(before, sorted(loaded.transform(heldOut)), "the same predictions after save and load");

        IllegalArgumentException noGroup = assertThrows(IllegalArgumentException.class, () -> model.transform(heldOut.drop("country")));
        assertTrue(noGroup.getMessage().contains("groupCol = 'country'") && noGroup.getMessage().contains("year"), noGroup.getMessage());
    }

    @Test
    void aClassifierAdaptsPerGroupToo() {
        // high fertility (above 3 births per woman) as a class index, per country and year
        Dataset<Row> train = training.withColumn("high", col("fertility").gt(3).cast("double"));
        Dataset<Row> test = heldOut.withColumn("truthClass", col("truth").gt(3).cast("double"))
                .withColumn("high", when(col("labelled"), col("truthClass")).otherwise(lit(null).cast("double")));
        HypergradClassifier estimator = new HypergradClassifier().setLabelCol("high").setGroupCol("country").setShots(3).setQueries(10)
                .setHiddenLayers(16).setActivation("tanh").setLearningRate(0.1).setMomentum(0).setWeightDecayScope("constant")
                .setInnerSteps(10).setBatchSize(10).setRounds(10).setMetaBatch(8).setSeed(2).setOverrides("hypergrad.eval.every = 0");
        HypergradClassificationModel model = estimator.fit(train);
        assertTrue(model.groupMode());
        Dataset<Row> scored = model.transform(test).filter(not(col("labelled")));
        double accuracy = new org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator().setLabelCol("truthClass")
                .setMetricName("accuracy").evaluate(scored);
        System.out.printf("group mode (ml classifier): accuracy on unlabelled years %.3f%n", accuracy);
        assertTrue(accuracy > 0.8, "accuracy " + accuracy);
        assertEquals(scored.select("country", "year", "probability", "prediction").orderBy("country", "year").collectAsList(),
                model.transform(test.repartition(3)).filter(not(col("labelled"))).select("country", "year", "probability", "prediction")
                        .orderBy("country", "year").collectAsList(), "the same predictions whatever the partitioning");
    }

    private static List<Row> sorted(Dataset<Row> scored) {
        return scored.select("country", "year", "prediction").orderBy("country", "year").collectAsList();
    }
}
