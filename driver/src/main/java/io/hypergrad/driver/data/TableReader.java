package io.hypergrad.driver.data;

import io.hypergrad.common.config.ConfigException;
import io.hypergrad.common.data.DatasetException;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Opens a source as a DataFrame through Spark's {@code DataFrameReader} (or the catalog), with the
 * defaults a user expects (a CSV has a header and typed columns) and Spark's analysis errors rephrased as
 * one line that names the source.
 */
public final class TableReader {
    private TableReader() {}

    /** The format a path's name suggests: {@code .csv}, {@code .json}, {@code .orc}, {@code .libsvm}/{@code .svm}; otherwise parquet. */
    public static String formatOf(String path) {
        String p = path.toLowerCase(Locale.ROOT).replaceAll("\\.(gz|bz2|snappy|zst)$", "");
        for (String f : new String[] {"csv", "json", "orc", "libsvm", "parquet"}) {
            if (p.endsWith("." + f)) {
                return f;
            }
        }
        if (p.endsWith(".svm")) {
            return "libsvm";
        }
        if (p.endsWith(".jsonl") || p.endsWith(".ndjson")) {
            return "json";
        }
        return "parquet";
    }

    /**
     * The reader options used when a config gives none: a CSV's first line is its header, its column types
     * inferred — a user's CSV almost always has a header and numbers, and Spark's defaults read neither.
     */
    public static Map<String, String> defaultOptions(String format) {
        Map<String, String> m = new TreeMap<>();
        if (format.equals("csv")) {
            m.put("header", "true");
            m.put("inferSchema", "true");
        }
        return m;
    }

    /**
     * A format's default options with a command line's {@code --option KEY=VALUE} pairs over them.
     *
     * @throws ConfigException naming a pair that is not KEY=VALUE
     */
    public static Map<String, String> options(String format, java.util.List<String> pairs) {
        Map<String, String> m = defaultOptions(format);
        for (String o : pairs) {
            int eq = o.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("--option " + o + ": expected KEY=VALUE");
            }
            m.put(o.substring(0, eq).trim(), o.substring(eq + 1).trim());
        }
        return m;
    }

    /**
     * The source as a DataFrame.
     *
     * @param table a catalog table name (format {@code table}); else ignored
     */
    public static Dataset<Row> load(SparkSession spark, String format, String path, String table, Map<String, String> options) {
        if (!java.util.List.of("parquet", "csv", "json", "orc", "libsvm", "table").contains(format)) {
            throw new ConfigException("format " + format + ": expected one of parquet, csv, json, orc, libsvm, table");
        }
        String what = format.equals("table") ? "table " + table : path;
        try {
            Dataset<Row> df = format.equals("table") ? spark.table(table) : spark.read().format(format).options(options).load(path);
            df.schema();
            return df;
        } catch (Exception e) {
            throw new DatasetException(what + ": cannot read as " + format + ": " + firstLine(e));
        }
    }

    /** The first line of an exception's message, without Spark's error-class prefix. */
    static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        m = m.split("\n")[0].replaceFirst("^\\[[A-Z_.]+\\] ", "");
        return m;
    }
}
