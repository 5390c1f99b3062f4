package io.hypergrad.common.data;

/**
 * One source column that contributes feature values: a number, or an ML vector or numeric array of a
 * fixed width. Kept with a {@link Table} so that new input (batch scoring) is read the same way.
 *
 * @param name  the column's name in the source table
 * @param kind  how its values are laid out
 * @param width how many feature values it gives per row (1 for a number)
 */
public record FeatureColumn(String name, Kind kind, int width) implements java.io.Serializable {
    /** How a column holds its values. */
    public enum Kind {
        /** A numeric scalar column: one value. */
        NUMBER,
        /** A Spark ML {@code Vector} column (dense or sparse): {@code width} values. */
        VECTOR,
        /** An {@code array<numeric>} column: {@code width} values. */
        ARRAY
    }

    public FeatureColumn {
        if (width < 1 || (kind == Kind.NUMBER && width != 1)) {
            throw new IllegalArgumentException("column " + name + ": width " + width + " for a " + kind);
        }
    }

    /** The names of the feature values: the column name for a number, {@code name[i]} for a vector or array. */
    public String valueName(int i) {
        return kind == Kind.NUMBER ? name : name + "[" + i + "]";
    }
}
