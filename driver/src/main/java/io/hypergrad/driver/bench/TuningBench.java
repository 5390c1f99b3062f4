package io.hypergrad.driver.bench;

import io.hypergrad.common.data.Dataset;
import io.hypergrad.common.data.Datasets;
import io.hypergrad.common.data.SklearnReader;
import io.hypergrad.driver.ml.HypergradClassificationModel;
import io.hypergrad.driver.ml.HypergradClassifier;
import io.hypergrad.driver.ml.HypergradModel;
import io.hypergrad.driver.ml.HypergradRegressor;
import io.hypergrad.driver.spark.SparkSetup;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.Evaluator;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.evaluation.RegressionEvaluator;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.regression.LinearRegression;
import org.apache.spark.ml.tuning.CrossValidator;
import org.apache.spark.ml.tuning.CrossValidatorModel;
import org.apache.spark.ml.tuning.ParamGridBuilder;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * {@code bench tuning --vs-spark-ml}: hypergrad's estimators against Spark ML's own tuning, on the same
 * Spark session (same cores) and the same held-out rows. On breast cancer, Spark ML's
 * {@code MultilayerPerceptronClassifier} (features standardised) tuned by a 3-fold {@code CrossValidator}
 * over layers × stepSize × maxIter, against a {@link HypergradClassifier} tuning a log weight decay per
 * parameter and a log learning rate per layer; on diabetes, {@code LinearRegression} over regParam ×
 * elasticNetParam against a {@link HypergradRegressor} likewise. Both see the same 80% of the rows
 * (seeded); both are scored on the other 20%.
 */
public final class TuningBench {
    private static final long SPLIT_SEED = 42;

    private TuningBench() {}

    /** One dataset's line. */
    public record Line(String dataset, String metric, double cvMetric, double cvSeconds, int gridPoints, double hypergradMetric,
                       double hypergradSeconds, int hyperparameters) {
        String text() {
            return String.format(Locale.ROOT, "dataset=%s metric=%s cv_metric=%.4f cv_s=%.1f hypergrad_metric=%.4f hypergrad_s=%.1f hyperparameters=%d",
                    dataset, metric, cvMetric, cvSeconds, hypergradMetric, hypergradSeconds, hyperparameters);
        }
    }

    /** Runs both datasets, prints a line each, and appends the table to {@code doc} (when not null). */
    public static List<Line> run(String master, Path doc, String commit, PrintStream out) throws Exception {
        // Registration is not required here: Spark ML's own jobs (MLP's and LinearRegression's aggregators)
        // send classes hypergrad does not register. hypergrad's classes are registered all the same.
        SparkConf conf = SparkSetup.configure(new SparkConf().setMaster(master).setAppName("bench-tuning").set("spark.ui.enabled", "false"))
                .set("spark.kryo.registrationRequired", "false");
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        List<Line> lines = new ArrayList<>();
        try {
            String dir = Datasets.dataDir("");
            int cores = spark.sparkContext().defaultParallelism();
            out.println("bench tuning: master " + master + " (" + cores + " cores), one session for both; held-out 20% (seed " + SPLIT_SEED + ")");
            lines.add(breastCancer(spark, SklearnReader.readWithHeader(dir + "/sklearn/breast_cancer.csv"), out));
            lines.add(diabetes(spark, SklearnReader.readDiabetes(dir + "/sklearn/diabetes_data_raw.csv.gz", dir + "/sklearn/diabetes_target.csv.gz"), out));
            if (doc != null) {
                append(doc, lines, master, cores, commit);
                out.println("bench tuning: appended the table to " + doc);
            }
        } finally {
            spark.stop();
        }
        return lines;
    }

    private static Line breastCancer(SparkSession spark, Dataset d, PrintStream out) {
        org.apache.spark.sql.Dataset<Row>[] parts = frame(spark, d, true).randomSplit(new double[] {0.8, 0.2}, SPLIT_SEED);
        org.apache.spark.sql.Dataset<Row> train = parts[0].cache();
        org.apache.spark.sql.Dataset<Row> test = parts[1].cache();
        train.count();
        test.count();
        int f = d.featureSize();
        MultilayerPerceptronClassifier mlp = new MultilayerPerceptronClassifier().setFeaturesCol("scaled").setSolver("gd").setSeed(SPLIT_SEED);
        Pipeline cvPipeline = new Pipeline().setStages(new PipelineStage[] {new StandardScaler().setInputCol("features").setOutputCol("scaled"), mlp});
        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(mlp.layers(), scalaList(new int[] {f, 16, 2}, new int[] {f, 32, 2}, new int[] {f, 32, 16, 2}))
                .addGrid(mlp.stepSize(), new double[] {0.03, 0.1, 0.3})
                .addGrid(mlp.maxIter(), new int[] {100, 300})
                .build();
        MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
        HypergradClassifier hc = new HypergradClassifier().setHiddenLayers(32).setWeightDecayScope("per-parameter")
                .setLearningRateScope("per-layer").setRounds(20).setInnerSteps(100).setTestFraction(0.05).setSeed(1);
        return compare("breast_cancer", "accuracy", cvPipeline, grid, accuracy, hc, train, test, out);
    }

    private static Line diabetes(SparkSession spark, Dataset d, PrintStream out) {
        org.apache.spark.sql.Dataset<Row>[] parts = frame(spark, d, false).randomSplit(new double[] {0.8, 0.2}, SPLIT_SEED);
        org.apache.spark.sql.Dataset<Row> train = parts[0].cache();
        org.apache.spark.sql.Dataset<Row> test = parts[1].cache();
        train.count();
        test.count();
        LinearRegression lr = new LinearRegression();
        Pipeline cvPipeline = new Pipeline().setStages(new PipelineStage[] {lr});
        ParamMap[] grid = new ParamGridBuilder()
                .addGrid(lr.regParam(), new double[] {0.0, 0.01, 0.1, 1.0, 10.0})
                .addGrid(lr.elasticNetParam(), new double[] {0.0, 0.5, 1.0})
                .build();
        RegressionEvaluator rmse = new RegressionEvaluator().setMetricName("rmse");
        HypergradRegressor hr = new HypergradRegressor().setHiddenLayers(64, 16).setActivation("tanh").setLearningRate(0.01)
                .setWeightDecayScope("per-parameter").setLearningRateScope("per-layer").setRounds(20).setInnerSteps(100)
                .setTestFraction(0.05).setSeed(1);
        return compare("diabetes", "rmse", cvPipeline, grid, rmse, hr, train, test, out);
    }

    private static Line compare(String name, String metric, Pipeline cvPipeline, ParamMap[] grid, Evaluator evaluator,
                                org.apache.spark.ml.Estimator<? extends HypergradModel<?>> hypergrad,
                                org.apache.spark.sql.Dataset<Row> train, org.apache.spark.sql.Dataset<Row> test, PrintStream out) {
        long t0 = System.nanoTime();
        CrossValidatorModel cv = new CrossValidator().setEstimator(cvPipeline).setEstimatorParamMaps(grid).setEvaluator(evaluator)
                .setNumFolds(3).setSeed(SPLIT_SEED).fit(train);
        double cvSeconds = (System.nanoTime() - t0) / 1e9;
        double cvMetric = evaluator.evaluate(cv.transform(test));

        long t1 = System.nanoTime();
        HypergradModel<?> m = hypergrad.fit(train);
        double hgSeconds = (System.nanoTime() - t1) / 1e9;
        double hgMetric = evaluator.evaluate(m.transform(test));
        Line line = new Line(name, metric, cvMetric, cvSeconds, grid.length, hgMetric, hgSeconds, m.lambda().length);
        out.println(line.text());
        out.println("  (CV: " + grid.length + " grid points × 3 folds + the refit; best " + best(cv, grid) + ")");
        return line;
    }

    private static String best(CrossValidatorModel cv, ParamMap[] grid) {
        double[] avg = cv.avgMetrics();
        boolean larger = cv.getEvaluator().isLargerBetter();
        int b = 0;
        for (int i = 1; i < avg.length; i++) {
            if (larger ? avg[i] > avg[b] : avg[i] < avg[b]) {
                b = i;
            }
        }
        List<String> out = new ArrayList<>();
        for (org.apache.spark.ml.param.ParamPair<?> p : scala.collection.JavaConverters.seqAsJavaList(grid[b].toSeq())) {
            out.add(p.param().name() + " = " + (p.value() instanceof int[] a ? java.util.Arrays.toString(a) : String.valueOf(p.value())));
        }
        return String.join(", ", out);
    }

    private static org.apache.spark.sql.Dataset<Row> frame(SparkSession spark, Dataset d, boolean classes) {
        List<Row> rows = new ArrayList<>();
        double[] x = new double[d.featureSize()];
        for (int i = 0; i < d.size(); i++) {
            d.copyExample(i, x, 0);
            rows.add(RowFactory.create(Vectors.dense(x.clone()), classes ? (double) d.labels()[i] : d.targets()[i]));
        }
        StructType schema = new StructType().add("features", org.apache.spark.ml.linalg.SQLDataTypes.VectorType(), false)
                .add("label", DataTypes.DoubleType, false);
        return spark.createDataFrame(rows, schema).repartition(2);
    }

    @SuppressWarnings("unchecked")
    private static scala.collection.Iterable<int[]> scalaList(int[]... layers) {
        return scala.collection.JavaConverters.asScalaBuffer(java.util.Arrays.asList(layers)).toList();
    }

    private static void append(Path doc, List<Line> lines, String master, int cores, String commit) throws Exception {
        StringBuilder sb = new StringBuilder();
        sb.append("\n## Tuning against Spark ML's CrossValidator (`bench tuning --vs-spark-ml`)\n");
        sb.append("`deploy/bin/hypergrad bench tuning --vs-spark-ml`, master `").append(master).append("` (").append(cores)
                .append(" cores), one Spark session for both, at commit `").append(commit).append("`. Each dataset is split 80/20 (seed ")
                .append(SPLIT_SEED).append("); both tuners see the 80%, both are scored on the 20%.\n\n");
        sb.append("| dataset | metric | CrossValidator (3 folds) | its time | hypergrad | its time | hyperparameters tuned by hypergrad |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        for (Line l : lines) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %.4f (%d grid points) | %.1f s | %.4f | %.1f s | %,d |%n", l.dataset(), l.metric(),
                    l.cvMetric(), l.gridPoints(), l.cvSeconds(), l.hypergradMetric(), l.hypergradSeconds(), l.hyperparameters()));
        }
        Files.writeString(doc, Files.readString(doc, StandardCharsets.UTF_8) + sb, StandardCharsets.UTF_8);
    }
}
