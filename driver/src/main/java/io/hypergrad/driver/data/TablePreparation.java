package io.hypergrad.driver.data;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypergrad.common.config.ConfigException;
import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.data.DatasetException;
import io.hypergrad.common.data.Table;
import io.hypergrad.common.data.TableCache;
import io.hypergrad.common.data.TableSpec;
import io.hypergrad.common.nn.LossFunction;
import java.io.IOException;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Turns a table run's {@code hypergrad.data.*} into the prepared table its executors load: reads the source
 * once on the driver ({@link TableSource}), writes the cache into the run folder's {@code data/}, and
 * returns the config with {@code hypergrad.data.cache} naming it. The source's fingerprint components are
 * kept beside the cache ({@code data/source.json}); a resume over a source that changed since is refused,
 * naming what changed, because its λ would not be the one the checkpoints were written under.
 */
public final class TablePreparation {
    /** The run folder's file with the source's provenance at the first preparation. */
    public static final String SOURCE_FILE = "data/source.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private TablePreparation() {}

    /** Whether a config needs a prepared table that it does not have yet. */
    public static boolean needed(RunConfig c) {
        return c.get(RunConfig.PROBLEM).equals("table") && c.get(RunConfig.DATA_CACHE).isEmpty();
    }

    /**
     * The config with its table prepared (unchanged when it needs none).
     *
     * @param runDir the run folder (any Hadoop URI); nothing is written there unless the table reads cleanly
     * @param resume whether the run continues: then the source must be the one it started on
     */
    public static RunConfig prepare(SparkSession spark, RunConfig c, String runDir, boolean resume) {
        if (!needed(c)) {
            return c;
        }
        TableSpec spec = specOf(c);
        Configuration hadoop = spark.sparkContext().hadoopConfiguration();
        Path sourceFile = new Path(runDir, SOURCE_FILE);
        Map<String, String> now = TableSource.sourceProvenance(hadoop, spec);
        Map<String, String> before = resume ? readProvenance(hadoop, sourceFile) : null;
        if (before != null && !before.equals(now)) {
            throw new DatasetException("cannot resume " + runDir + ": its source data changed since the run started: "
                    + Table.changes(before, now) + " (start a new run folder, or restore the data)");
        }
        String uri = TableSource.prepare(spark, spec, new Path(runDir, "data").toString());
        writeProvenance(hadoop, sourceFile, now);
        return c.with("hypergrad.data.cache", JSON.valueToTree(uri).toString());
    }

    /**
     * The config with its table prepared from rows the caller hands over (the Spark ML estimators, the
     * notebook API's {@code table(df)}): {@code hypergrad.data.*} says which columns and how to split, as
     * for a read source, but the rows come from {@code df} ({@link TableSource#read(Dataset, TableSpec)});
     * the cache goes into the run folder's {@code data/}. {@code hypergrad.data.path}, {@code table},
     * {@code format} and {@code options} are ignored.
     */
    public static RunConfig prepare(RunConfig c, Dataset<Row> df, String runDir) {
        if (!c.get(RunConfig.PROBLEM).equals("table")) {
            throw new ConfigException("a DataFrame is tuned on with hypergrad.problem = table, not " + c.get(RunConfig.PROBLEM));
        }
        Table t = TableSource.read(df, specOf(c, TableSpec.DATAFRAME, null, null));
        Configuration hadoop = df.sparkSession().sparkContext().hadoopConfiguration();
        Path cache = new Path(new Path(runDir, "data"), "table-" + t.fingerprint().substring(0, 16) + ".hgt");
        String uri;
        try {
            uri = cache.getFileSystem(hadoop).makeQualified(cache).toString();
        } catch (IOException e) {
            throw new DatasetException(runDir + ": cannot open the run folder: " + e.getMessage(), e);
        }
        TableCache.write(t, uri);
        writeProvenance(hadoop, new Path(runDir, SOURCE_FILE), t.provenance());
        return c.with("hypergrad.data.cache", JSON.valueToTree(uri).toString());
    }

    /** What to read, from the config: the loss decides classification or regression. */
    public static TableSpec specOf(RunConfig c) {
        String format = c.get(RunConfig.DATA_FORMAT);
        String path = c.get(RunConfig.DATA_PATH);
        String table = c.get(RunConfig.DATA_TABLE);
        if (format.equals("table") ? table.isEmpty() : path.isEmpty()) {
            throw new ConfigException(format.equals("table")
                    ? "hypergrad.data.format = table needs hypergrad.data.table (a catalog table name)"
                    : "hypergrad.problem = table needs hypergrad.data.path (the " + format + " source: a file, folder or glob, any Hadoop URI)");
        }
        return specOf(c, format, path, table);
    }

    private static TableSpec specOf(RunConfig c, String format, String path, String table) {
        if (c.get(RunConfig.DATA_VALIDATION) + c.get(RunConfig.DATA_TEST) >= 0.95) {
            throw new ConfigException("hypergrad.data.split.validation + hypergrad.data.split.test = "
                    + (c.get(RunConfig.DATA_VALIDATION) + c.get(RunConfig.DATA_TEST)) + ": leaves (almost) no training rows");
        }
        int[] shape = c.get(RunConfig.DATA_SHAPE).stream().mapToInt(Integer::intValue).toArray();
        return new TableSpec(format, path, table, format.equals(TableSpec.DATAFRAME) ? Map.of() : c.get(RunConfig.DATA_OPTIONS), c.get(RunConfig.DATA_LABEL), c.get(RunConfig.DATA_FEATURES),
                c.get(RunConfig.DATA_GROUP), shape.length == 0 ? null : shape, c.get(RunConfig.DATA_VALIDATION), c.get(RunConfig.DATA_TEST),
                c.get(RunConfig.DATA_SPLIT_COLUMN), c.get(RunConfig.DATA_STANDARDIZE), c.get(RunConfig.DATA_NULLS),
                LossFunction.parse(c.get(RunConfig.MODEL_LOSS)).classification(), c.get(RunConfig.SEED),
                c.get(RunConfig.DATA_MAX_MB) * 1_000_000L);
    }

    private static Map<String, String> readProvenance(Configuration hadoop, Path file) {
        try {
            FileSystem fs = file.getFileSystem(hadoop);
            if (!fs.exists(file)) {
                return null;
            }
            try (var in = fs.open(file)) {
                return JSON.readValue(in, new TypeReference<java.util.TreeMap<String, String>>() {});
            }
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot read the run's source record: " + e.getMessage());
        }
    }

    private static void writeProvenance(Configuration hadoop, Path file, Map<String, String> provenance) {
        try {
            FileSystem fs = file.getFileSystem(hadoop);
            Path tmp = new Path(file.getParent(), "." + file.getName() + ".tmp");
            try (var out = fs.create(tmp, true)) {
                out.write(JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(new java.util.TreeMap<>(provenance)));
            }
            fs.delete(file, false);
            if (!fs.rename(tmp, file)) {
                throw new IOException("rename of " + tmp + " failed");
            }
        } catch (IOException e) {
            throw new DatasetException(file + ": cannot write the run's source record: " + e.getMessage());
        }
    }
}
