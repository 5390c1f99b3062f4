package io.hypergrad.driver.cli;

import io.hypergrad.common.config.ConfigException;
import io.hypergrad.common.data.DatasetException;
import io.hypergrad.driver.data.TableReader;
import io.hypergrad.driver.spark.SparkSetup;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code init --data URI --label COL}: looks at a table's schema and writes a starter config that runs as
 * written — the features, the task (and why), a network sized to the features, and λ = per-layer learning
 * rates and weight decays.
 */
@Command(name = "init", mixinStandardHelpOptions = true,
        description = "Inspect a table and write a starter config for tuning a network on it (hypergrad.problem = table).")
class InitCommand implements Callable<Integer> {
    /** An integer label with at most this many distinct values is read as classes. */
    static final int MAX_INTEGER_CLASSES = 20;

    @Option(names = "--data", required = true, paramLabel = "URI", description = "the table: a file, folder or glob (any Hadoop URI)")
    String data;

    @Option(names = "--format", paramLabel = "F", description = "parquet, csv, json, orc or libsvm; default: from the file name (a folder: parquet)")
    String format;

    @Option(names = "--label", required = true, paramLabel = "COL", description = "the label column")
    String label;

    @Option(names = "--option", paramLabel = "KEY=VALUE", description = "a reader option (repeatable); CSV gets header and inferSchema by default")
    List<String> options = new ArrayList<>();

    @Option(names = "--out", paramLabel = "FILE", description = "where to write the config; default: print it")
    String out;

    @Option(names = "--force", description = "overwrite --out when it exists")
    boolean force;

    @Option(names = "--debug", description = "print stack traces of errors")
    boolean debug;

    @Override
    public Integer call() {
        if (out != null && Files.exists(Path.of(out)) && !force) {
            throw new ConfigException("--out " + out + ": exists (add --force to overwrite it)");
        }
        String fmt = format != null ? format : TableReader.formatOf(data);
        Map<String, String> opts = TableReader.options(fmt, options);
        SparkConf conf = SparkSetup.configure(new SparkConf().setIfMissing("spark.app.name", "hypergrad init"));
        String text;
        try (SparkSession spark = SparkSession.builder().config(conf).getOrCreate()) {
            Dataset<Row> df = TableReader.load(spark, fmt, data, "", opts);
            text = starter(df, fmt, opts);
        }
        if (out == null) {
            System.out.print(text);
        } else {
            try {
                Path target = Path.of(out).toAbsolutePath();
                Path tmp = Files.createTempFile(target.getParent(), ".init", ".conf");
                Files.writeString(tmp, text, StandardCharsets.UTF_8);
                Files.move(tmp, target, java.nio.file.StandardCopyOption.REPLACE_EXISTING, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            } catch (IOException e) {
                throw new ConfigException("--out " + out + ": cannot write: " + e.getMessage());
            }
            System.err.println("hypergrad: wrote " + out + "; run it with: deploy/bin/hypergrad run " + out);
        }
        return ExitCode.OK;
    }

    /** The starter config for a table, with its choices explained on stderr and in comments. */
    String starter(Dataset<Row> df, String fmt, Map<String, String> opts) {
        List<String> names = List.of(df.columns());
        if (!names.contains(label)) {
            throw new DatasetException(data + ": no column '" + label + "' for --label; the columns are " + String.join(", ", names));
        }
        DataType labelType = df.schema().apply(label).dataType();
        List<String> features = new ArrayList<>();
        List<String> leftOut = new ArrayList<>();
        for (StructField f : df.schema().fields()) {
            if (f.name().equals(label)) {
                continue;
            }
            if (f.dataType() instanceof NumericType) {
                features.add(f.name());
            } else if (f.dataType().typeName().equals("vector") || f.dataType() instanceof org.apache.spark.sql.types.ArrayType) {
                features.add(f.name());
            } else {
                leftOut.add(f.name() + " (" + f.dataType().simpleString() + ")");
            }
        }
        if (features.isEmpty()) {
            throw new DatasetException(data + ": no numeric feature columns besides '" + label + "' (columns: " + String.join(", ", names)
                    + "); encode string columns upstream, e.g. with Spark ML's StringIndexer and OneHotEncoder");
        }
        String task;
        String why;
        long distinct = -1;
        if (labelType.equals(DataTypes.StringType) || labelType.equals(DataTypes.BooleanType)) {
            distinct = df.select(label).distinct().count();
            task = "classification";
            why = "label '" + label + "' is a " + labelType.simpleString() + " column (" + distinct + " values)";
        } else if (isInteger(labelType)) {
            distinct = df.select(label).distinct().count();
            boolean classes = distinct <= MAX_INTEGER_CLASSES;
            task = classes ? "classification" : "regression";
            why = "label '" + label + "' is an integer column with " + distinct + " distinct values ("
                    + (classes ? "at most " : "more than ") + MAX_INTEGER_CLASSES + ")";
        } else if (labelType instanceof NumericType) {
            task = "regression";
            why = "label '" + label + "' is a " + labelType.simpleString() + " column";
        } else {
            throw new DatasetException(data + ": label '" + label + "' is a " + labelType.simpleString()
                    + " column; a label must be a string, boolean or number");
        }
        if (task.equals("classification") && distinct < 2) {
            throw new DatasetException(data + ": label '" + label + "' has " + distinct + " class(es); classification needs at least 2");
        }
        String loss = task.equals("regression") ? "mse" : distinct == 2 ? "binary_cross_entropy" : "softmax_cross_entropy";
        System.err.printf(Locale.ROOT, "hypergrad: %s, because %s; loss %s%n", task, why, loss);
        System.err.printf(Locale.ROOT, "hypergrad: %d feature column(s)%s%n", features.size(),
                leftOut.isEmpty() ? "" : "; left out (not numeric — encode upstream to use them): " + String.join(", ", leftOut));
        int width = features.size() > 200 ? 128 : 64;
        StringBuilder s = new StringBuilder();
        s.append("# Starter config written by: hypergrad init --data ").append(data).append(" --label ").append(label).append('\n');
        s.append("# Task: ").append(task).append(", because ").append(why).append(".\n");
        s.append("# λ: per-layer log learning rates and log weight decays of SGD with momentum, tuned by HyperDistill.\n");
        s.append("hypergrad {\n");
        s.append("  problem = table\n");
        s.append("  seed = 0\n");
        s.append("  data {\n");
        s.append("    format = ").append(fmt).append('\n');
        s.append("    path = ").append(quote(data)).append('\n');
        if (!opts.isEmpty()) {
            s.append("    options { ");
            List<String> kv = new ArrayList<>();
            opts.forEach((k, v) -> kv.add(k + " = " + quote(v)));
            s.append(String.join(", ", kv)).append(" }\n");
        }
        s.append("    label = ").append(quote(label)).append('\n');
        s.append("    features = [").append(String.join(", ", features.stream().map(InitCommand::quote).toList())).append("]\n");
        s.append("    split { validation = 0.2, test = 0.2 }\n");
        s.append("  }\n");
        s.append("  model {\n");
        s.append("    loss = ").append(loss).append('\n');
        s.append("    layers = [\n");
        s.append("      { type = dense, out = ").append(width).append(", activation = relu }\n");
        s.append("      { type = dense, out = ").append(width / 2).append(", activation = relu }\n");
        s.append("      { type = dense }   # the output: its width follows from the loss\n");
        s.append("    ]\n");
        s.append("  }\n");
        s.append("  hyper { learningRate = per-layer, weightDecay = per-layer }\n");
        s.append("  inner { steps = 100, batchSize = 32, lr = 0.05, momentum = 0.9, weightDecay = 1e-3 }\n");
        s.append("  estimator = \"hyperdistill:0.99\"\n");
        s.append("  aggregator = sum\n");
        s.append("  outer { optimizer = adam, lr = 0.05, schedule = constant }\n");
        s.append("  rounds = 20\n");
        s.append("  metaBatch = 4\n");
        s.append("  eval.every = 5\n");
        s.append("}\n");
        return s.toString();
    }

    private static boolean isInteger(DataType t) {
        return t.equals(DataTypes.IntegerType) || t.equals(DataTypes.LongType) || t.equals(DataTypes.ShortType) || t.equals(DataTypes.ByteType);
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
