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
 * Scores a DataFrame with a saved network on the executors, a chunk of rows per forward pass, appending
 * the columns an {@link Output} makes from each row's network output. {@link #score(SparkSession,
 * SavedModel, Dataset)} is {@code hypergrad predict}'s: {@code prediction} (the class, as the label's
 * value, or the predicted number) and, for a classifier, {@code probability} (one entry per class, in the
 * order of the saved classes). Nothing is collected to the driver.
 */
public final class BatchScorer {
    /** Rows per forward pass: large enough for the matrix products to pay, small enough for any partition. */
    static final int CHUNK = 256;

    /**
     * The columns appended to each scored row, made from the network's outputs. Runs on executors, so
     * it is serialisable.
     */
    public interface Output extends java.io.Serializable {
        /** The input's schema with the appended columns. */
        StructType schema(StructType input);

        /** How many values {@link #fill} appends. */
        int width();

        /**
         * Writes the appended values of row {@code i} of a chunk into {@code row[at…at + width())}.
         *
         * @param outputs the network's outputs for the chunk, {@code model.outputs()} per row
         */
        void fill(SavedModel model, double[] outputs, int i, Object[] row, int at);
    }

    private BatchScorer() {}

    /** The scored table with {@code hypergrad predict}'s columns (lazy: a Spark action runs it). */
    public static Dataset<Row> score(SparkSession spark, SavedModel model, Dataset<Row> input) {
        if (List.of(input.schema().fieldNames()).contains("prediction")) {
            throw new io.hypergrad.common.config.ConfigException("the input already has a column named prediction; rename or drop it first");
        }
        return score(spark, model, input, new PredictColumns(model.classification()));
    }

    /**
     * The scored table with the columns {@code output} makes (lazy: a Spark action runs it). A group-mode
     * network is adapted to each group first, on its rows with a label: {@link GroupScorer}, with the
     * group and label columns the run was trained on.
     */
    public static Dataset<Row> score(SparkSession spark, SavedModel model, Dataset<Row> input, Output output) {
        if (model.groupMode()) {
            return GroupScorer.score(spark, model, input, output, model.adaptation().group(), model.label());
        }
        RowFeatures features = model.rowFeatures().bind(input.schema());
        StructType schema = output.schema(input.schema());
        JavaRDD<Row> rows = input.javaRDD().mapPartitions(it -> new Scoring(model, model.w(), features, output, it));
        return spark.createDataFrame(rows, schema);
    }

    /** {@code hypergrad predict}'s columns: the class as the label's value (or the number), and class probabilities. */
    private record PredictColumns(boolean classification) implements Output {
        @Override
        public StructType schema(StructType input) {
            StructType s = input.add("prediction", classification ? DataTypes.StringType : DataTypes.DoubleType, false);
            return classification ? s.add("probability", DataTypes.createArrayType(DataTypes.DoubleType, false), false) : s;
        }

        @Override
        public int width() {
            return classification ? 2 : 1;
        }

        @Override
        public void fill(SavedModel model, double[] outputs, int i, Object[] row, int at) {
            if (classification) {
                LossFunction loss = model.lossFunction();
                double[] p = Metrics.probabilities(loss, outputs, model.outputs(), i);
                row[at] = model.classes().get(Metrics.predictedClass(loss, outputs, model.outputs(), i));
                Double[] boxed = new Double[p.length];
                for (int k = 0; k < p.length; k++) {
                    boxed[k] = p[k];
                }
                row[at + 1] = boxed;
            } else {
                row[at] = outputs[i] * model.targetScale() + model.targetMean();
            }
        }
    }

    /** Rows scored a chunk at a time by the network with weights {@code w}. */
    static final class Scoring implements Iterator<Row> {
        private final SavedModel saved;
        private final double[] w;
        private final RowFeatures features;
        private final Output output;
        private final Iterator<Row> in;
        private final Model model;
        private final List<Row> ready = new ArrayList<>();
        private int next;

        Scoring(SavedModel saved, double[] w, RowFeatures features, Output output, Iterator<Row> in) {
            this.saved = saved;
            this.w = w;
            this.features = features;
            this.output = output;
            this.in = in;
            this.model = saved.model();
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
            double[] out = model.forward(tape, model.layout().bind(tape, w, null, saved.lambdaModel()),
                    new Batch(x, saved.featureShape(), null, null)).v;
            for (int i = 0; i < chunk.size(); i++) {
                Row r = chunk.get(i);
                Object[] v = new Object[r.size() + output.width()];
                for (int j = 0; j < r.size(); j++) {
                    v[j] = r.get(j);
                }
                output.fill(saved, out, i, v, r.size());
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
