package io.hypergrad.common.data;

import io.hypergrad.common.config.ConfigException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What to read as a user's table, and how to split and prepare it. Validated on construction; a
 * mistake is a {@link ConfigException} naming the {@code hypergrad.data.*} key.
 *
 * @param format             parquet, csv, json, orc, libsvm, table (a catalog table named by {@code table}), or
 *                           dataframe (an in-memory {@code Dataset<Row>} handed over by the caller: no path)
 * @param path               any Hadoop URI of a file or folder (unused for a catalog table)
 * @param table              the catalog table's name (only for format table)
 * @param options            reader options, passed to Spark as they are (csv defaults to header and inferSchema)
 * @param label              the label column
 * @param features           feature columns; empty = every numeric column except label, group and split
 *                           column (or, when there is none, the one vector or array column)
 * @param group              the group column (group mode: each group is a task), or null for HPO mode
 * @param shape              the shape of one example (e.g. {1, 28, 28}); empty = {feature count}
 * @param validationFraction the share of rows (groups in group mode) held out for validation
 * @param testFraction       the share of rows (groups) held out for test
 * @param splitColumn        a column of train / validation (or val) / test naming each row's part, or
 *                           null to split by a seeded hash
 * @param standardize        whether features are standardised by the training rows' mean and std
 * @param nulls              fail (a null or NaN in a used column is an error) or drop (such rows are dropped)
 * @param classification     whether the label is a class (decided by the caller, from the loss)
 * @param seed               the split's seed
 * @param maxBytes           the budget for the prepared table in one executor's memory
 */
public record TableSpec(String format, String path, String table, Map<String, String> options, String label,
                        List<String> features, String group, int[] shape, double validationFraction,
                        double testFraction, String splitColumn, boolean standardize, String nulls,
                        boolean classification, long seed, long maxBytes) {

    /** The formats Spark can read a table from ({@code table} = a catalog table). */
    public static final Set<String> FORMATS = Set.of("parquet", "csv", "json", "orc", "libsvm", "table");
    /** The format of a table handed over as a DataFrame (the Spark ML estimators, the notebook API): nothing to read. */
    public static final String DATAFRAME = "dataframe";

    public TableSpec {
        format = format == null ? "" : format.trim().toLowerCase(java.util.Locale.ROOT);
        if (!FORMATS.contains(format) && !format.equals(DATAFRAME)) {
            throw new ConfigException("hypergrad.data.format = '" + format + "': expected one of parquet, csv, json, orc, libsvm, table");
        }
        path = blankToNull(path);
        table = blankToNull(table);
        if (format.equals(DATAFRAME) ? path != null || table != null : format.equals("table") ? table == null : path == null) {
            if (format.equals(DATAFRAME)) {
                throw new ConfigException("a DataFrame table has neither hypergrad.data.path nor hypergrad.data.table");
            }
            throw new ConfigException(format.equals("table")
                    ? "hypergrad.data.table is empty: format table reads a catalog table by name"
                    : "hypergrad.data.path is empty: name the " + format + " file or folder (any Hadoop URI)");
        }
        // sorted, so that the fingerprint and the messages do not depend on the order keys were given
        options = Collections.unmodifiableMap(new TreeMap<>(options == null ? Map.of() : options));
        label = blankToNull(label);
        if (label == null) {
            throw new ConfigException("hypergrad.data.label is empty: name the label column");
        }
        features = features == null ? List.of() : List.copyOf(features);
        group = blankToNull(group);
        splitColumn = blankToNull(splitColumn);
        shape = shape == null ? new int[0] : shape.clone();
        for (int d : shape) {
            if (d < 1) {
                throw new ConfigException("hypergrad.data.shape = " + Arrays.toString(shape) + ": every dimension must be at least 1");
            }
        }
        if (!(validationFraction >= 0 && validationFraction < 1) || !(testFraction >= 0 && testFraction < 1)
                || validationFraction + testFraction >= 1) {
            throw new ConfigException("hypergrad.data.split.validation = " + validationFraction + ", hypergrad.data.split.test = "
                    + testFraction + ": each must be in [0, 1) and their sum below 1 (the rest is training data)");
        }
        nulls = nulls == null ? "fail" : nulls.trim().toLowerCase(java.util.Locale.ROOT);
        if (!nulls.equals("fail") && !nulls.equals("drop")) {
            throw new ConfigException("hypergrad.data.nulls = '" + nulls + "': expected fail or drop");
        }
        if (maxBytes < 1) {
            throw new ConfigException("hypergrad.data.maxMegabytes: the budget must be positive, got " + maxBytes + " bytes");
        }
        for (String c : new String[] {group, splitColumn}) {
            if (c != null && (c.equals(label) || features.contains(c))) {
                throw new ConfigException("hypergrad.data: column '" + c + "' is used twice (label, features, group and split column must differ)");
            }
        }
        if (features.contains(label)) {
            throw new ConfigException("hypergrad.data.features names the label column '" + label + "'");
        }
    }

    /** A spec with the usual settings: every numeric feature, 20% validation, 20% test, standardised, nulls fail, seed 0, 2 GiB. */
    public static TableSpec of(String format, String path, String label, boolean classification) {
        return new TableSpec(format, path, null, Map.of(), label, List.of(), null, null, 0.2, 0.2, null, true, "fail",
                classification, 0L, 2L << 30);
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    /** Whether whole groups are tasks (a group column is named). */
    public boolean groupMode() {
        return group != null;
    }

    /** The source, for messages: the path, the catalog table, or the DataFrame. */
    public String source() {
        return format.equals(DATAFRAME) ? "the DataFrame" : format.equals("table") ? "table " + table : path;
    }

    /** Whether the rows were handed over as a DataFrame rather than read from a source. */
    public boolean dataFrame() {
        return format.equals(DATAFRAME);
    }

    /**
     * The settings that decide the prepared table apart from the source files' contents, as provenance
     * entries (see {@link Table#provenance()}); {@code maxBytes} is left out, as it changes nothing in
     * the table.
     */
    public Map<String, String> settings() {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("source", format + " " + source());
        m.put("options", options.toString());
        m.put("label", label + (classification ? " (classes)" : " (regression)"));
        m.put("features", features.isEmpty() ? "(every numeric column)" : String.join(", ", features));
        m.put("group", group == null ? "(none)" : group);
        m.put("shape", shape.length == 0 ? "(flat)" : Arrays.toString(shape));
        m.put("split", splitColumn != null ? "column " + splitColumn
                : "validation " + validationFraction + ", test " + testFraction + ", seed " + seed);
        m.put("standardize", Boolean.toString(standardize));
        m.put("nulls", nulls);
        return m;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TableSpec s && format.equals(s.format) && java.util.Objects.equals(path, s.path)
                && java.util.Objects.equals(table, s.table) && options.equals(s.options) && label.equals(s.label)
                && features.equals(s.features) && java.util.Objects.equals(group, s.group) && Arrays.equals(shape, s.shape)
                && validationFraction == s.validationFraction && testFraction == s.testFraction
                && java.util.Objects.equals(splitColumn, s.splitColumn) && standardize == s.standardize
                && nulls.equals(s.nulls) && classification == s.classification && seed == s.seed && maxBytes == s.maxBytes;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(format, path, table, options, label, features, group, Arrays.hashCode(shape),
                validationFraction, testFraction, splitColumn, standardize, nulls, classification, seed, maxBytes);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
