package io.hypergrad.driver.ml;

import io.hypergrad.driver.model.BatchScorer;
import io.hypergrad.driver.model.SavedModel;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** A regressor's output column: {@code prediction}, a double in the target's own units. */
record RegressorColumns(String predictionCol) implements BatchScorer.Output {
    @Override
    public StructType schema(StructType input) {
        SchemaChecks.requireAbsent(input, predictionCol, "predictionCol");
        return predictionCol.isEmpty() ? input : input.add(SchemaChecks.field(predictionCol, DataTypes.DoubleType));
    }

    @Override
    public int width() {
        return predictionCol.isEmpty() ? 0 : 1;
    }

    @Override
    public void fill(SavedModel model, double[] outputs, int i, Object[] row, int at) {
        if (!predictionCol.isEmpty()) {
            row[at] = outputs[i] * model.targetScale() + model.targetMean();
        }
    }
}
