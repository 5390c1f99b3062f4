package io.hypergrad.driver.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.rand;
import static org.apache.spark.sql.functions.when;

import io.hypergrad.common.data.Table;
import io.hypergrad.common.data.TableCache;
import io.hypergrad.common.data.TableSpec;
import io.hypergrad.driver.data.TableSource;
import io.hypergrad.driver.spark.SparkSetup;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.SparkSession;

/**
 * How fast a user's table is prepared: 1,000,000 rows × 100 double features (and a 0/1 label) written
 * as Parquet by Spark in a temporary folder, then {@link TableSource#prepare} (read, validate, split,
 * standardise, write the cache) and {@link TableCache#read} (what each executor does once) timed.
 * Target: under a minute on 2 cores.
 */
public final class TableBench {
    static final int ROWS = 1_000_000;
    static final int FEATURES = 100;

    private TableBench() {}

    public static void main(String[] args) throws IOException {
        run(System.out);
    }

    /** Runs the benchmark on {@code local[2]} and prints the figures. */
    public static void run(PrintStream out) throws IOException {
        Path dir = Files.createTempDirectory("hypergrad-table-bench");
        SparkConf conf = SparkSetup.configure(new SparkConf().setMaster("local[2]").setAppName("bench-table")
                .set("spark.ui.enabled", "false").set("spark.driver.maxResultSize", "2g"));
        SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
        try {
            String data = dir.resolve("data.parquet").toString();
            long t0 = System.nanoTime();
            List<Column> cols = new ArrayList<>();
            for (int k = 0; k < FEATURES; k++) {
                cols.add(rand(k).multiply(k + 1).as("x" + k));
            }
            cols.add(when(rand(FEATURES).gt(0.5), 1).otherwise(0).as("label"));
            spark.range(0, ROWS, 1, 4).select(cols.toArray(new Column[0])).write().parquet(data);
            double gen = seconds(t0);
            long bytesOnDisk = size(Path.of(data));

            TableSpec spec = new TableSpec("parquet", data, null, Map.of(), "label", List.of(), null, null, 0.2, 0.2, null,
                    true, "fail", true, 1, 2L << 30);
            long t1 = System.nanoTime();
            String uri = TableSource.prepare(spark, spec, dir.resolve("cache").toString());
            double prepare = seconds(t1);
            long cacheBytes = Files.size(Path.of(java.net.URI.create(uri)));

            long t2 = System.nanoTime();
            String again = TableSource.prepare(spark, spec, dir.resolve("cache").toString());
            double reuse = seconds(t2);

            long t3 = System.nanoTime();
            Table t = TableCache.read(uri);
            double load = seconds(t3);

            out.printf(Locale.ROOT, "table bench: %,d rows × %d double features + label, local[2], %d cores available%n",
                    ROWS, FEATURES, Runtime.getRuntime().availableProcessors());
            out.printf(Locale.ROOT, "  generate Parquet (Spark)      %6.1f s   %,d bytes on disk%n", gen, bytesOnDisk);
            out.printf(Locale.ROOT, "  prepare (read+validate+cache) %6.1f s   %,.0f rows/s   cache %,d bytes%n", prepare, ROWS / prepare, cacheBytes);
            out.printf(Locale.ROOT, "  prepare again (cache reused)  %6.2f s   %s%n", reuse, uri.equals(again) ? "same file" : "ANOTHER FILE");
            out.printf(Locale.ROOT, "  TableCache.read (executor)    %6.1f s   %,.0f rows/s   %,d bytes in memory%n", load, t.rows() / load, t.bytes());
        } finally {
            spark.stop();
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }

    private static long size(Path p) throws IOException {
        try (Stream<Path> s = Files.walk(p)) {
            return s.filter(Files::isRegularFile).mapToLong(f -> f.toFile().length()).sum();
        }
    }
}
