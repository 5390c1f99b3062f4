package io.hypergrad.driver.bench;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.data.Dataset;
import io.hypergrad.common.data.Datasets;
import io.hypergrad.driver.spark.SparkSetup;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The per-round cost of a table problem against a built-in one doing the same work: {@code opt-hpo-fashion}
 * (an MLP 784–64–10 on Fashion-MNIST, per-layer log learning rates and weight decays as λ, 10,000
 * validation examples) beside {@code table} with the same network, λ, batch size and validation size,
 * over Fashion-MNIST rows written to Parquet. Same session, same cores, one after the other; the medians
 * of each run's rounds after the first, and their ratio.
 */
public final class TableOverheadBench {
    static final int ROWS = 20_000;
    static final int ROUNDS = 8;

    private TableOverheadBench() {}

    public static void main(String[] args) throws IOException {
        run(System.out);
    }

    /** Runs both and prints the figures. */
    public static void run(PrintStream out) throws IOException {
        String dataDir = Datasets.dataDir("");
        if (!Datasets.present(dataDir, "fashion-mnist")) {
            throw new io.hypergrad.common.data.DatasetException(dataDir + "/fashion-mnist: missing (fetch it with: deploy/bin/hypergrad fetch-data)");
        }
        Path dir = Files.createTempDirectory("hypergrad-table-overhead");
        String parquet = dir.resolve("fashion.parquet").toString();
        Dataset d = Datasets.load(dataDir, "fashion-mnist-train");
        try (SparkSession spark = SparkSession.builder().config(SparkSetup.configure(new SparkConf().setMaster("local[2]")
                .setAppName("bench-table-overhead").set("spark.ui.enabled", "false"))).getOrCreate()) {
            List<Row> rows = new ArrayList<>(ROWS);
            for (int i = 0; i < ROWS; i++) {
                double[] x = new double[d.featureSize()];
                d.copyExample(i, x, 0);
                rows.add(RowFactory.create(x, d.labels()[i]));
            }
            StructType schema = new StructType().add("pixels", DataTypes.createArrayType(DataTypes.DoubleType, false))
                    .add("label", DataTypes.IntegerType);
            spark.createDataFrame(rows, schema).coalesce(1).write().parquet(parquet);
        }
        String common = """
                hypergrad {
                  seed = 0
                  rounds = %d
                  metaBatch = 2
                  estimator = "one-step"
                  aggregator = sum
                  inner { steps = 50, batchSize = 100, lr = 0.05, momentum = 0.9, weightDecay = 5e-4 }
                  outer { optimizer = adam, lr = 0.01, schedule = constant }
                  reptile.stepSize = 0
                }
                """.formatted(ROUNDS);
        RunConfig builtIn = RunConfig.parse(common + "hypergrad { problem = opt-hpo-fashion, model { width = 64, depth = 1 } }");
        RunConfig table = RunConfig.parse(common + """
                hypergrad {
                  problem = table
                  data { format = parquet, path = "%s", label = label, features = [pixels], split { validation = 0.5, test = 0.05 } }
                  model.layers = [ { type = dense, out = 64, activation = relu }, { type = dense } ]
                  hyper { learningRate = per-layer, weightDecay = per-layer }
                  task.valRows = 10000
                }
                """.formatted(parquet.replace("\\", "/")));
        SparkBench.Measured a = SparkBench.measure(builtIn.with("hypergrad.eval.every", "0").with("hypergrad.eval.testTasks", "0"),
                "local[2]", dir.resolve("built-in"));
        SparkBench.Measured b = SparkBench.measure(table.with("hypergrad.eval.every", "0"), "local[2]", dir.resolve("table"));
        out.printf(Locale.ROOT, "table overhead: MLP 784-64-10, T = 50, batch 100, 10,000 validation examples, 2 tasks per round, "
                + "%d rounds, local[2]%n", ROUNDS);
        out.printf(Locale.ROOT, "  opt-hpo-fashion  median_round_s=%.3f median_overhead_ms=%.1f%n", a.medianRoundSeconds(), a.medianOverheadMs());
        out.printf(Locale.ROOT, "  table            median_round_s=%.3f median_overhead_ms=%.1f%n", b.medianRoundSeconds(), b.medianOverheadMs());
        out.printf(Locale.ROOT, "  ratio table/built-in round time = %.2f%n", b.medianRoundSeconds() / a.medianRoundSeconds());
    }
}
