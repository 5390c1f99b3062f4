package io.hypergrad.driver.ml;

import java.util.Arrays;
import java.util.stream.Collectors;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/** The estimators' and models' column checks: one-line errors that name the Param and the columns there are. */
final class SchemaChecks {
    private SchemaChecks() {}

    static DataType require(StructType schema, String column, String param) {
        if (!Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException(param + " = '" + column + "': no such column; the columns are: " + columns(schema));
        }
        return schema.apply(column).dataType();
    }

    static void requireVector(StructType schema, String column, String param) {
        DataType t = require(schema, column, param);
        if (!(t instanceof VectorUDT)) {
            throw new IllegalArgumentException(param + " = '" + column + "' is " + t.simpleString()
                    + "; it must be an ML Vector column (assemble numeric columns with VectorAssembler)");
        }
    }

    static void requireNumeric(StructType schema, String column, String param) {
        DataType t = require(schema, column, param);
        if (!(t instanceof NumericType)) {
            throw new IllegalArgumentException(param + " = '" + column + "' is " + t.simpleString()
                    + "; it must be numeric (index a string label with StringIndexer)");
        }
    }

    /** An output column must not exist yet (Spark ML's rule); an empty name means no such output. */
    static void requireAbsent(StructType schema, String column, String param) {
        if (!column.isEmpty() && Arrays.asList(schema.fieldNames()).contains(column)) {
            throw new IllegalArgumentException(param + " = '" + column + "': the input already has this column; set " + param + " to another name");
        }
    }

    private static String columns(StructType schema) {
        return Arrays.stream(schema.fields()).map(f -> f.name() + " (" + f.dataType().simpleString() + ")").collect(Collectors.joining(", "));
    }

    static StructField field(String name, DataType type) {
        return new StructField(name, type, false, org.apache.spark.sql.types.Metadata.empty());
    }
}
