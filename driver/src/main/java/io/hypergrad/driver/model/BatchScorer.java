package io.hypergrad.driver.model;

import io.hypergrad.common.autodiff.Tape;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.LossFunction;
import io.hypergrad.common.nn.Model;
import io.hypergrad.common.problems.Metrics;
import io.hypergrad.driver.data.RowFeatures;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Scores a DataFrame with a saved network on the executors, a chunk of rows per forward pass: the input's
 * columns plus {@code prediction} (the class, as the label's value, or the predicted number) and, for a
 * classifier, {@code probability} (one entry per class, in the order of the saved classes). Nothing is
 * collected to the driver.
 */
public final class BatchScorer {
    /** Rows per forward pass: large enough for the matrix products to pay, small enough for any partition. */
    static final int CHUNK = 256;

    private BatchScorer() {}

    /** The scored table (lazy: a Spark action runs it). */
    public static Dataset<Row> score(SparkSession spark, SavedModel model, Dataset<Row> input) {
        RowFeatures features = model.rowFeatures().bind(input.schema());
        StructType schema = input.schema();
        if (List.of(schema.fieldNames()).contains("prediction")) {
            throw new io.hypergrad.common.config.ConfigException("the input already has a column named prediction; rename or drop it first");
        }
        schema = schema.add("prediction", model.classification() ? DataTypes.StringType : DataTypes.DoubleType, false);
        if (model.classification()) {
            schema = schema.add("probability", DataTypes.createArrayType(DataTypes.DoubleType, false), false);
        }
        JavaRDD<Row> rows = input.javaRDD().mapPartitions(it -> new Scoring(model, features, it));
        return spark.createDataFrame(rows, schema);
    }

    /** One partition's rows, scored a chunk at a time. */
    private static final class Scoring implements Iterator<Row> {
        private final SavedModel saved;
        private final RowFeatures features;
        private final Iterator<Row> in;
        private final Model model;
        private final LossFunction loss;
        private final List<Row> ready = new ArrayList<>();
        private int next;

        Scoring(SavedModel saved, RowFeatures features, Iterator<Row> in) {
            this.saved = saved;
            this.features = features;
            this.in = in;
            this.model = saved.model();
            this.loss = saved.lossFunction();
        }

        @Override
        public boolean hasNext() {
            if (next < ready.size()) {
                return true;
            }
            ready.clear();
            next = 0;
            List<Row> chunk = new ArrayList<>(CHUNK);
            while (chunk.size() < CHUNK && in.hasNext()) {
                chunk.add(in.next());
            }
            if (chunk.isEmpty()) {
                return false;
            }
            int f = features.size();
            double[] x = new double[chunk.size() * f];
            for (int i = 0; i < chunk.size(); i++) {
                features.copy(chunk.get(i), x, i * f);
            }
            Tape tape = new Tape();
            double[] out = model.forward(tape, model.layout().bind(tape, saved.w(), null, saved.lambdaModel()),
                    new Batch(x, saved.featureShape(), null, null)).v;
            int width = saved.outputs();
            for (int i = 0; i < chunk.size(); i++) {
                Row r = chunk.get(i);
                Object[] v = new Object[r.size() + (saved.classification() ? 2 : 1)];
                for (int j = 0; j < r.size(); j++) {
                    v[j] = r.get(j);
                }
                if (saved.classification()) {
                    double[] p = Metrics.probabilities(loss, out, width, i);
                    v[r.size()] = saved.classes().get(Metrics.predictedClass(loss, out, width, i));
                    Double[] boxed = new Double[p.length];
                    for (int k = 0; k < p.length; k++) {
                        boxed[k] = p[k];
                    }
                    v[r.size() + 1] = boxed;
                } else {
                    v[r.size()] = out[i] * saved.targetScale() + saved.targetMean();
                }
                ready.add(RowFactory.create(v));
            }
            return true;
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            return ready.get(next++);
        }
    }
}
