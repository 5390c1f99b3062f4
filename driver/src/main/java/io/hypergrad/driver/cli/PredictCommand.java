package io.hypergrad.driver.cli;

import io.hypergrad.common.config.ConfigException;
import io.hypergrad.common.data.DatasetException;
import io.hypergrad.driver.data.TableReader;
import io.hypergrad.driver.model.BatchScorer;
import io.hypergrad.driver.model.SavedModel;
import io.hypergrad.driver.output.RunFolder;
import io.hypergrad.driver.spark.SparkSetup;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code predict RUNDIR --input URI --output URI}: scores a table on Spark with the network a table run
 * tuned, and writes Parquet with the input's columns plus {@code prediction} (and {@code probability}
 * for classifiers). A group-mode run's network is first adapted to each group of the input on its rows with
 * a label ({@link io.hypergrad.driver.model.GroupScorer}).
 */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Score a table with the network a table run tuned; writes Parquet with the input's columns plus prediction (and probability). "
                + "A group-mode run adapts to each group on its labelled rows first (the input needs the group and label columns).")
class PredictCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUNDIR", description = "a finished table run's folder")
    String runDir;

    @Option(names = "--input", required = true, paramLabel = "URI", description = "the table to score (any Hadoop URI)")
    String input;

    @Option(names = "--format", paramLabel = "F", description = "parquet, csv, json, orc or libsvm; default: from the file name")
    String format;

    @Option(names = "--option", paramLabel = "KEY=VALUE", description = "a reader option (repeatable)")
    List<String> options = new ArrayList<>();

    @Option(names = "--output", required = true, paramLabel = "URI", description = "where to write the scored table (Parquet); must not exist")
    String output;

    @Option(names = "--master", description = "Spark master; default: as spark-submit set it, else local[*]")
    String master;

    @Option(names = "--debug", description = "print stack traces of errors")
    boolean debug;

    @Override
    public Integer call() {
        SparkConf conf = new SparkConf().setIfMissing("spark.app.name", "hypergrad predict");
        if (master != null) {
            conf.setMaster(master);
        }
        SparkSetup.configure(conf);
        String fmt = format != null ? format : TableReader.formatOf(input);
        Map<String, String> opts = TableReader.options(fmt, options);
        try (SparkSession spark = SparkSession.builder().config(conf).getOrCreate()) {
            RunFolder folder = RunFolder.existing(runDir, spark.sparkContext().hadoopConfiguration())
                    .orElseThrow(() -> new DatasetException(runDir + ": no such run folder"));
            SavedModel model = SavedModel.read(folder);
            org.apache.hadoop.fs.Path out = new org.apache.hadoop.fs.Path(output);
            try {
                if (out.getFileSystem(spark.sparkContext().hadoopConfiguration()).exists(out)) {
                    throw new ConfigException("--output " + output + ": exists; choose a new location (nothing is overwritten)");
                }
            } catch (java.io.IOException e) {
                throw new DatasetException(output + ": cannot check: " + e.getMessage());
            }
            Dataset<Row> df = TableReader.load(spark, fmt, input, "", opts);
            Dataset<Row> scored = BatchScorer.score(spark, model, df);
            long rows = scored.count();
            scored.write().parquet(output);
            System.out.println("hypergrad: scored " + rows + " rows of " + input + " → " + output);
        }
        return ExitCode.OK;
    }
}
