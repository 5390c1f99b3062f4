package io.hypergrad.driver.table;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.data.Dataset;
import io.hypergrad.common.data.Datasets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images in a table: Fashion-MNIST rows written to Parquet as an array column and a label, tuned with a
 * small conv network that sees them as 1×28×28 through {@code hypergrad.data.shape}.
 */
class ImageTableTest {
    /** Rows written: enough for a 10-class test split of a few hundred, small enough for seconds of conv work. */
    static final int ROWS = 2000;

    @Test
    void aConvNetTunedOnFashionMnistFromParquet(@TempDir Path tmp) {
        String dir = Datasets.dataDir("");
        Assumptions.assumeTrue(Datasets.present(dir, "fashion-mnist"),
                "SKIPPED: Fashion-MNIST is not in " + dir + " (fetch it with: deploy/bin/hypergrad fetch-data)");
        Dataset d = Datasets.load(dir, "fashion-mnist-train");
        String parquet = tmp.resolve("fashion.parquet").toString();
        try (SparkSession spark = SparkSession.builder().master("local[1]").config("spark.ui.enabled", "false").getOrCreate()) {
            List<Row> rows = new ArrayList<>();
            double[] x = new double[d.featureSize()];
            for (int i = 0; i < ROWS; i++) {
                d.copyExample(i, x, 0);
                Double[] boxed = new Double[x.length];
                for (int j = 0; j < x.length; j++) {
                    boxed[j] = x[j];
                }
                rows.add(RowFactory.create(boxed, d.classNames().isEmpty() ? String.valueOf(d.labels()[i]) : d.classNames().get(d.labels()[i])));
            }
            StructType schema = new StructType().add("pixels", DataTypes.createArrayType(DataTypes.DoubleType, false))
                    .add("item", DataTypes.StringType);
            spark.createDataFrame(rows, schema).coalesce(1).write().parquet(parquet);
        }
        RunConfig c = RunConfig.parse("""
                hypergrad {
                  problem = table
                  seed = 5
                  data { format = parquet, path = "%s", label = item, features = [pixels], shape = [1, 28, 28]
                         split { validation = 0.15, test = 0.2 } }
                  model {
                    loss = softmax_cross_entropy
                    layers = [
                      { type = conv2d, out = 8, activation = relu }, { type = maxpool, size = 2 }
                      { type = conv2d, out = 8, activation = relu }, { type = maxpool, size = 2 }
                      { type = dense }
                    ]
                  }
                  hyper { learningRate = per-layer, weightDecay = global }
                  inner { steps = 20, batchSize = 32, lr = 0.003, momentum = 0.9, weightDecay = 1e-4 }
                  task.valRows = 200
                  estimator = "hyperdistill:0.99"
                  aggregator = sum
                  outer { optimizer = adam, lr = 0.3, schedule = constant }
                  rounds = 4
                  metaBatch = 2
                  eval.every = 0
                }
                """.formatted(parquet.replace("\\", "/")));
        Map<String, Object> summary = TableRunTest.run("local[2]", tmp.resolve("run").toString(), c, false, -1);
        Map<String, Object> initial = TableRunTest.test(summary, "initial");
        Map<String, Object> tuned = TableRunTest.test(summary, "tuned");
        assertTrue((double) tuned.get("logLoss") < (double) initial.get("logLoss"), "test log loss " + initial + " → " + tuned);
    }
}
