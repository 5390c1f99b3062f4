package io.hypergrad.driver.data;

import io.hypergrad.common.data.DatasetException;
import io.hypergrad.common.data.FeatureColumn;
import io.hypergrad.common.data.Table;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * Turns a Spark {@link Row} into a table's feature values, standardised by the table's training
 * statistics: the same columns, read the same way, as when the table was prepared. Serializable, so
 * that batch scoring ships it to executors with the model.
 *
 * <p>Use: {@code RowFeatures.of(table).bind(input.schema())}, then {@link #features(Row)} per row.
 */
public final class RowFeatures implements Serializable {
    private static final long serialVersionUID = 1L;

    private final List<FeatureColumn> columns;
    private final double[] mean;
    private final double[] std;
    private final int width;
    /** Each column's position in the bound schema; null until {@link #bind}. */
    private final int[] index;

    /**
     * @param columns the feature columns, in order
     * @param mean    per feature value, subtracted
     * @param std     per feature value, divided by
     */
    public RowFeatures(List<FeatureColumn> columns, double[] mean, double[] std) {
        this(List.copyOf(columns), mean.clone(), std.clone(), null);
    }

    private RowFeatures(List<FeatureColumn> columns, double[] mean, double[] std, int[] index) {
        this.columns = columns;
        this.width = columns.stream().mapToInt(FeatureColumn::width).sum();
        if (mean.length != width || std.length != width) {
            throw new IllegalArgumentException(width + " feature values but " + mean.length + " means and " + std.length + " stds");
        }
        this.mean = mean;
        this.std = std;
        this.index = index;
    }

    /** The table's columns and standardisation. */
    public static RowFeatures of(Table table) {
        return new RowFeatures(table.featureColumns(), table.mean(), table.std());
    }

    /** The raw values, unstandardised (what the reader collects before the training statistics exist). */
    static RowFeatures raw(List<FeatureColumn> columns) {
        int w = columns.stream().mapToInt(FeatureColumn::width).sum();
        double[] one = new double[w];
        Arrays.fill(one, 1);
        return new RowFeatures(columns, new double[w], one);
    }

    /**
     * This reader bound to an input's schema.
     *
     * @throws DatasetException when a column is missing (naming the columns that exist) or of another kind
     */
    public RowFeatures bind(StructType schema) {
        List<String> names = Arrays.asList(schema.fieldNames());
        int[] at = new int[columns.size()];
        for (int c = 0; c < at.length; c++) {
            FeatureColumn col = columns.get(c);
            at[c] = names.indexOf(col.name());
            if (at[c] < 0) {
                throw new DatasetException("no feature column '" + col.name() + "' in the input; its columns are: " + String.join(", ", names));
            }
            DataType type = schema.fields()[at[c]].dataType();
            if (kindOf(type) != col.kind()) {
                throw new DatasetException("feature column '" + col.name() + "' is " + type.simpleString() + " in the input, expected "
                        + col.kind().name().toLowerCase(java.util.Locale.ROOT) + (col.kind() == FeatureColumn.Kind.NUMBER ? "" : " of " + col.width() + " values"));
            }
        }
        return new RowFeatures(columns, mean, std, at);
    }

    /** Feature values per row. */
    public int size() {
        return width;
    }

    /**
     * One row's standardised features.
     *
     * @throws DatasetException on a null, NaN or infinite value, or a vector or array of another width
     */
    public double[] features(Row row) {
        double[] out = new double[width];
        copy(row, out, 0);
        return out;
    }

    /** One row's standardised features into {@code dst} at {@code offset}; throws as {@link #features}. */
    public void copy(Row row, double[] dst, int offset) {
        int bad = tryCopy(row, dst, offset);
        if (bad >= 0) {
            throw new DatasetException("feature column '" + columns.get(bad).name() + "' has a null, NaN or infinite value; drop or impute such rows before scoring");
        }
    }

    /**
     * Copies one row's standardised features; returns -1, or the index of the first column with a
     * null, NaN or infinite value (the caller counts or refuses it).
     */
    int tryCopy(Row row, double[] dst, int offset) {
        if (index == null) {
            throw new IllegalStateException("RowFeatures.bind(schema) first");
        }
        int k = offset;
        for (int c = 0; c < index.length; c++) {
            FeatureColumn col = columns.get(c);
            Object v = row.get(index[c]);
            if (v == null) {
                return c;
            }
            switch (col.kind()) {
                case NUMBER -> dst[k] = ((Number) v).doubleValue();
                case VECTOR -> {
                    Vector vec = (Vector) v;
                    checkWidth(col, vec.size());
                    double[] values = vec instanceof DenseVector d ? d.values() : vec.toArray();
                    System.arraycopy(values, 0, dst, k, values.length);
                }
                case ARRAY -> {
                    List<Object> list = row.getList(index[c]);
                    checkWidth(col, list.size());
                    for (int i = 0; i < list.size(); i++) {
                        Object e = list.get(i);
                        if (e == null) {
                            return c;
                        }
                        dst[k + i] = ((Number) e).doubleValue();
                    }
                }
            }
            for (int i = 0; i < col.width(); i++) {
                double x = dst[k + i];
                if (!Double.isFinite(x)) {
                    return c;
                }
                dst[k + i] = (x - mean[k + i - offset]) / std[k + i - offset];
            }
            k += col.width();
        }
        return -1;
    }

    private static void checkWidth(FeatureColumn col, int n) {
        if (n != col.width()) {
            throw new DatasetException("feature column '" + col.name() + "' has " + n + " values in a row, other rows have " + col.width()
                    + " (every row's vector or array must have the same length)");
        }
    }

    /** How a column of this type gives features, or null when it cannot (strings, structs…). */
    static FeatureColumn.Kind kindOf(DataType type) {
        if (type instanceof NumericType) {
            return FeatureColumn.Kind.NUMBER;
        }
        if (type instanceof VectorUDT) {
            return FeatureColumn.Kind.VECTOR;
        }
        if (type instanceof ArrayType a && a.elementType() instanceof NumericType) {
            return FeatureColumn.Kind.ARRAY;
        }
        return null;
    }
}
