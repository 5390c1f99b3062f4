package io.hypergrad.driver.ml;

import io.hypergrad.common.nn.LossFunction;
import io.hypergrad.common.problems.Metrics;
import io.hypergrad.driver.model.BatchScorer;
import io.hypergrad.driver.model.SavedModel;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * A classifier's output columns in Spark ML's convention (as {@code ProbabilisticClassificationModel}
 * writes them, so its evaluators read them): {@code rawPrediction} — the logits, or (−z, z) for a binary
 * network's one logit z, as {@code LogisticRegressionModel} gives; {@code probability} — an ML Vector of
 * class probabilities; {@code prediction} — the class index as a double. An empty name leaves its column out.
 */
record ClassifierColumns(String rawPredictionCol, String probabilityCol, String predictionCol) implements BatchScorer.Output {
    /** The probability-column Param, declared alike by the classifier and its model (default {@code probability}). */
    static org.apache.spark.ml.param.Param<String> probabilityParam(org.apache.spark.ml.util.Identifiable owner) {
        return new org.apache.spark.ml.param.Param<>(owner, "probabilityCol", "class probabilities column name (an ML Vector; empty: none)",
                Checks.optionalColumn());
    }

    /** The raw-prediction-column Param, declared alike by the classifier and its model (default {@code rawPrediction}). */
    static org.apache.spark.ml.param.Param<String> rawPredictionParam(org.apache.spark.ml.util.Identifiable owner) {
        return new org.apache.spark.ml.param.Param<>(owner, "rawPredictionCol",
                "raw prediction (confidence) column name: the logits, or (−z, z) for a binary network's logit z (empty: none)",
                Checks.optionalColumn());
    }

    @Override
    public StructType schema(StructType input) {
        SchemaChecks.requireAbsent(input, rawPredictionCol, "rawPredictionCol");
        SchemaChecks.requireAbsent(input, probabilityCol, "probabilityCol");
        SchemaChecks.requireAbsent(input, predictionCol, "predictionCol");
        StructType s = input;
        if (!rawPredictionCol.isEmpty()) {
            s = s.add(SchemaChecks.field(rawPredictionCol, SQLDataTypes.VectorType()));
        }
        if (!probabilityCol.isEmpty()) {
            s = s.add(SchemaChecks.field(probabilityCol, SQLDataTypes.VectorType()));
        }
        if (!predictionCol.isEmpty()) {
            s = s.add(SchemaChecks.field(predictionCol, DataTypes.DoubleType));
        }
        return s;
    }

    @Override
    public int width() {
        return (rawPredictionCol.isEmpty() ? 0 : 1) + (probabilityCol.isEmpty() ? 0 : 1) + (predictionCol.isEmpty() ? 0 : 1);
    }

    @Override
    public void fill(SavedModel model, double[] outputs, int i, Object[] row, int at) {
        LossFunction loss = model.lossFunction();
        int width = model.outputs();
        if (!rawPredictionCol.isEmpty()) {
            double[] raw = new double[Math.max(width, 2)];
            if (width == 1) {
                raw[0] = -outputs[i];
                raw[1] = outputs[i];
            } else {
                System.arraycopy(outputs, i * width, raw, 0, width);
            }
            row[at++] = Vectors.dense(raw);
        }
        if (!probabilityCol.isEmpty()) {
            row[at++] = Vectors.dense(Metrics.probabilities(loss, outputs, width, i));
        }
        if (!predictionCol.isEmpty()) {
            row[at] = Double.parseDouble(model.classes().get(Metrics.predictedClass(loss, outputs, width, i)));
        }
    }
}
