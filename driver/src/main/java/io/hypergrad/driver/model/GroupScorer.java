package io.hypergrad.driver.model;

import static org.apache.spark.sql.functions.col;

import io.hypergrad.common.config.ConfigException;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.driver.data.RowFeatures;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * Scores a DataFrame with a group-mode network: the rows are grouped by the group column on the
 * executors (Spark SQL's shuffle by the group column), each group's rows with a label (not null, not NaN; for a classifier, one of the fit's
 * classes) train φ under the tuned λ as a task's support set does ({@link GroupAdaptation}), and the
 * adapted network predicts every row of that group. A group without labelled rows (and rows whose group
 * is null, together) is predicted by φ itself.
 *
 * <p>Deterministic: a group's labelled rows are put in a canonical order (by their features, then their
 * label) before its mini-batches are drawn by counters keyed by the run's seed and the group's name, so
 * neither the partitioning nor the row order changes a prediction. A group's rows are held in memory
 * together on one executor (as a task's are); the output rows come grouped, not in the input's order.
 */
public final class GroupScorer {
    private GroupScorer() {}

    /**
     * The scored table (lazy: a Spark action runs it).
     *
     * @param groupCol the column whose values name the groups
     * @param labelCol the column whose non-null values the groups adapt on
     */
    public static Dataset<Row> score(SparkSession spark, SavedModel model, Dataset<Row> input, BatchScorer.Output output, String groupCol,
                                     String labelCol) {
        if (!model.groupMode()) {
            throw new IllegalArgumentException("not a group-mode network");
        }
        StructType in = input.schema();
        int group = index(in, groupCol, "the group column");
        int label = index(in, labelCol, "the label column (null where a row is to be predicted only)");
        RowFeatures features = model.rowFeatures().bind(in);
        StructType schema = output.schema(in);
        // Spark SQL's shuffle brings each group's rows to one partition, next to each other
        JavaRDD<Row> rows = input.repartition(col(groupCol)).sortWithinPartitions(col(groupCol)).javaRDD()
                .mapPartitions(it -> new Groups(model, features, output, group, label, it));
        return spark.createDataFrame(rows, schema);
    }

    private static int index(StructType schema, String column, String what) {
        if (!List.of(schema.fieldNames()).contains(column)) {
            throw new ConfigException("the input has no column '" + column + "' (" + what + " of a group-mode model); the columns are: "
                    + String.join(", ", schema.fieldNames()));
        }
        return schema.fieldIndex(column);
    }

    /** A partition's rows, sorted by group: each group's rows read together, adapted on and scored. */
    private static final class Groups implements Iterator<Row> {
        private final SavedModel model;
        private final RowFeatures features;
        private final BatchScorer.Output output;
        private final int group;
        private final int label;
        private final Iterator<Row> in;
        private Row pending;
        private Iterator<Row> scored = java.util.Collections.emptyIterator();

        Groups(SavedModel model, RowFeatures features, BatchScorer.Output output, int group, int label, Iterator<Row> in) {
            this.model = model;
            this.features = features;
            this.output = output;
            this.group = group;
            this.label = label;
            this.in = in;
            this.pending = in.hasNext() ? in.next() : null;
        }

        @Override
        public boolean hasNext() {
            while (!scored.hasNext() && pending != null) {
                Object value = pending.get(group);
                List<Row> rows = new ArrayList<>();
                while (pending != null && java.util.Objects.equals(pending.get(group), value)) {
                    rows.add(pending);
                    pending = in.hasNext() ? in.next() : null;
                }
                scored = adaptedAndScored(value == null ? null : String.valueOf(value), rows);
            }
            return scored.hasNext();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            return scored.next();
        }

        /** One group's rows, predicted by φ adapted on its labelled rows. */
        private Iterator<Row> adaptedAndScored(String name, List<Row> rows) {
            GroupAdaptation a = model.adaptation();
            Batch support = support(model, features, label, rows);
            double[] w = support == null ? model.w() : a.training().adapt(model.w(), a.lambda(), support, a.key(name));
            return new BatchScorer.Scoring(model, w, features, output, rows.iterator());
        }
    }

    /** The group's labelled rows as a batch in canonical order, or null when it has none. */
    private static Batch support(SavedModel model, RowFeatures features, int label, List<Row> rows) {
        boolean classification = model.classification();
        int f = features.size();
        List<double[]> labelled = new ArrayList<>();
        for (Row r : rows) {
            if (r.isNullAt(label)) {
                continue;
            }
            double y;
            if (classification) {
                y = model.classes().indexOf(r.get(label).toString());
                if (y < 0) {
                    continue; // a class the fit never saw cannot be trained towards
                }
            } else {
                double v = ((Number) r.get(label)).doubleValue();
                if (!Double.isFinite(v)) {
                    continue;
                }
                y = (v - model.targetMean()) / model.targetScale();
            }
            double[] e = new double[f + 1];
            features.copy(r, e, 0);
            e[f] = y;
            labelled.add(e);
        }
        if (labelled.isEmpty()) {
            return null;
        }
        labelled.sort(Arrays::compare);
        double[] x = new double[labelled.size() * f];
        int[] labels = classification ? new int[labelled.size()] : null;
        double[] targets = classification ? null : new double[labelled.size()];
        for (int i = 0; i < labelled.size(); i++) {
            double[] e = labelled.get(i);
            System.arraycopy(e, 0, x, i * f, f);
            if (classification) {
                labels[i] = (int) e[f];
            } else {
                targets[i] = e[f];
            }
        }
        return new Batch(x, model.featureShape(), labels, targets);
    }
}
