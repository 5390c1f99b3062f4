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
import org.apache.spark.ml.classification.LogisticRegression;
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
 * Spark session (same cores) and the same held-out rows. On breast cancer two baselines, each tuned by a
 * 3-fold {@code CrossValidator}: Spark ML's {@code MultilayerPerceptronClassifier} (features standardised)
 * over layers × maxIter with its default {@code l-bfgs} solver plus layers × stepSize × maxIter with the
 * {@code gd} solver (the only one stepSize applies to), and {@code LogisticRegression} over regParam ×
 * elasticNetParam; against one {@link HypergradClassifier} fit tuning a log weight decay per parameter and
 * a log learning rate per layer. On diabetes, {@code LinearRegression} over regParam × elasticNetParam
 * against a {@link HypergradRegressor} likewise. All see the same 80% of the rows (seeded); all are scored
 * on the other 20%. One line per dataset and baseline.
 */
public final class TuningBench {
    private static final long SPLIT_SEED = 42;

    private TuningBench() {}

    /** One dataset's line. */
    public record Line(String dataset, String baseline, String metric, double cvMetric, double cvSeconds, int gridPoints, String cvBest,
                       double hypergradMetric, double hypergradSeconds, int hyperparameters) {
        String text() {
            return String.format(Locale.ROOT, "dataset=%s baseline=%s metric=%s cv_metric=%.4f cv_s=%.1f hypergrad_metric=%.4f hypergrad_s=%.1f "
                    + "hyperparameters=%d", dataset, baseline, metric, cvMetric, cvSeconds, hypergradMetric, hypergradSeconds, hyperparameters);
        }
    }

    /** A Spark ML model family and the grid its CrossValidator searches. */
    private record Baseline(String name, Pipeline pipeline, ParamMap[] grid) {}

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
            lines.addAll(breastCancer(spark, SklearnReader.readWithHeader(dir + "/sklearn/breast_cancer.csv"), out));
            lines.addAll(diabetes(spark, SklearnReader.readDiabetes(dir + "/sklearn/diabetes_data_raw.csv.gz", dir + "/sklearn/diabetes_target.csv.gz"), out));
            if (doc != null) {
                append(doc, lines, master, cores, commit);
                out.println("bench tuning: appended the table to " + doc);
            }
        } finally {
            spark.stop();
        }
        return lines;
    }

    private static List<Line> breastCancer(SparkSession spark, Dataset d, PrintStream out) {
        org.apache.spark.sql.Dataset<Row>[] parts = frame(spark, d, true).randomSplit(new double[] {0.8, 0.2}, SPLIT_SEED);
        org.apache.spark.sql.Dataset<Row> train = parts[0].cache();
        org.apache.spark.sql.Dataset<Row> test = parts[1].cache();
        train.count();
        test.count();
        int f = d.featureSize();
        MultilayerPerceptronClassifier mlp = new MultilayerPerceptronClassifier().setFeaturesCol("scaled").setSeed(SPLIT_SEED);
        Pipeline mlpPipeline = new Pipeline().setStages(new PipelineStage[] {new StandardScaler().setInputCol("features").setOutputCol("scaled"), mlp});
        scala.collection.Iterable<int[]> layers = scalaList(new int[] {f, 16, 2}, new int[] {f, 32, 2}, new int[] {f, 32, 16, 2});
        // stepSize applies to the gd solver only: l-bfgs (the default) over layers × maxIter, gd also over stepSize
        ParamMap[] lbfgs = new ParamGridBuilder().addGrid(mlp.solver(), scalaList("l-bfgs")).addGrid(mlp.layers(), layers)
                .addGrid(mlp.maxIter(), new int[] {100, 300}).build();
        ParamMap[] gd = new ParamGridBuilder().addGrid(mlp.solver(), scalaList("gd")).addGrid(mlp.layers(), layers)
                .addGrid(mlp.stepSize(), new double[] {0.03, 0.1, 0.3}).addGrid(mlp.maxIter(), new int[] {100, 300}).build();
        ParamMap[] mlpGrid = java.util.stream.Stream.concat(java.util.Arrays.stream(lbfgs), java.util.Arrays.stream(gd)).toArray(ParamMap[]::new);
        LogisticRegression logistic = new LogisticRegression();
        ParamMap[] logisticGrid = new ParamGridBuilder().addGrid(logistic.regParam(), new double[] {0.0, 0.01, 0.1, 1.0, 10.0})
                .addGrid(logistic.elasticNetParam(), new double[] {0.0, 0.5, 1.0}).build();
        MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator().setMetricName("accuracy");
        HypergradClassifier hc = new HypergradClassifier().setHiddenLayers(32).setWeightDecayScope("per-parameter")
                .setLearningRateScope("per-layer").setRounds(20).setInnerSteps(100).setTestFraction(0.05).setSeed(1);
        return compare("breast_cancer", "accuracy", List.of(new Baseline("mlp", mlpPipeline, mlpGrid),
                new Baseline("logistic", new Pipeline().setStages(new PipelineStage[] {logistic}), logisticGrid)), accuracy, hc, train, test, out);
    }

    private static List<Line> diabetes(SparkSession spark, Dataset d, PrintStream out) {
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
        return compare("diabetes", "rmse", List.of(new Baseline("linear", cvPipeline, grid)), rmse, hr, train, test, out);
    }

    /** Each baseline's CrossValidator, then one hypergrad fit, all scored on {@code test}: a line per baseline. */
    private static List<Line> compare(String name, String metric, List<Baseline> baselines, Evaluator evaluator,
                                      org.apache.spark.ml.Estimator<? extends HypergradModel<?>> hypergrad,
                                      org.apache.spark.sql.Dataset<Row> train, org.apache.spark.sql.Dataset<Row> test, PrintStream out) {
        List<double[]> cvResults = new ArrayList<>();
        List<String> cvBest = new ArrayList<>();
        for (Baseline b : baselines) {
            long t0 = System.nanoTime();
            CrossValidatorModel cv = new CrossValidator().setEstimator(b.pipeline()).setEstimatorParamMaps(b.grid()).setEvaluator(evaluator)
                    .setNumFolds(3).setSeed(SPLIT_SEED).fit(train);
            double seconds = (System.nanoTime() - t0) / 1e9;
            cvResults.add(new double[] {evaluator.evaluate(cv.transform(test)), seconds});
            cvBest.add(best(cv, b.grid()));
            out.printf(Locale.ROOT, "  (%s %s CV: %d grid points × 3 folds + the refit, %.1f s; best %s)%n", name, b.name(), b.grid().length,
                    seconds, cvBest.get(cvBest.size() - 1));
        }
        long t1 = System.nanoTime();
        HypergradModel<?> m = hypergrad.fit(train);
        double hgSeconds = (System.nanoTime() - t1) / 1e9;
        double hgMetric = evaluator.evaluate(m.transform(test));
        List<Line> lines = new ArrayList<>();
        for (int i = 0; i < baselines.size(); i++) {
            Baseline b = baselines.get(i);
            Line line = new Line(name, b.name(), metric, cvResults.get(i)[0], cvResults.get(i)[1], b.grid().length, cvBest.get(i), hgMetric, hgSeconds,
                    m.lambda().length);
            out.println(line.text());
            lines.add(line);
        }
        return lines;
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

    @SafeVarargs
    private static <T> scala.collection.Iterable<T> scalaList(T... values) {
        return scala.collection.JavaConverters.asScalaBuffer(java.util.Arrays.asList(values)).toList();
    }

    private static void append(Path doc, List<Line> lines, String master, int cores, String commit) throws Exception {
        StringBuilder sb = new StringBuilder();
        sb.append("\n## Tuning against Spark ML's CrossValidator (`bench tuning --vs-spark-ml`)\n");
        sb.append("`deploy/bin/hypergrad bench tuning --vs-spark-ml`, master `").append(master).append("` (").append(cores)
                .append(" cores), one Spark session for both, at commit `").append(commit).append("`. Each dataset is split 80/20 (seed ")
                .append(SPLIT_SEED).append("); both tuners see the 80%, both are scored on the 20%.\n\n");
        sb.append("| dataset | metric | baseline | CrossValidator (3 folds) | its time | hypergrad | its time | hyperparameters tuned by hypergrad |\n");
        sb.append("|---|---|---|---|---|---|---|---|\n");
        for (Line l : lines) {
            sb.append(String.format(Locale.ROOT, "| %s | %s | %s | %.4f (%d grid points) | %.1f s | %.4f | %.1f s | %,d |%n", l.dataset(), l.metric(),
                    l.baseline(), l.cvMetric(), l.gridPoints(), l.cvSeconds(), l.hypergradMetric(), l.hypergradSeconds(), l.hyperparameters()));
        }
        sb.append("\nThe cross-validated winners:\n");
        for (Line l : lines) {
            sb.append("- ").append(l.dataset()).append(", ").append(l.baseline()).append(": ").append(l.cvBest()).append('\n');
        }
        Files.writeString(doc, Files.readString(doc, StandardCharsets.UTF_8) + sb, StandardCharsets.UTF_8);
    }
}
