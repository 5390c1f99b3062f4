package io.hypergrad.driver.api;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.driver.data.TablePreparation;
import io.hypergrad.driver.output.RunFolder;
import io.hypergrad.driver.output.RunLock;
import io.hypergrad.driver.round.RoundListener;
import io.hypergrad.driver.round.RoundLoop;
import io.hypergrad.driver.round.SafeStop;
import java.io.File;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The notebook API: a small fluent builder over an existing {@link SparkSession}, usable from JShell,
 * Scala or Java notebook kernels, and from PySpark through py4j
 * ({@code spark._jvm.io.hypergrad.driver.api.Hypergrad.on(spark._jsparkSession)…}). Each setter returns
 * a new, immutable builder, so a base can be shared and varied.
 *
 * <pre>{@code
 * Hypergrad.Result r = Hypergrad.on(spark)
 *     .problem("sinusoid").estimator("one-step").set("hypergrad.rounds", 20)
 *     .output("/tmp/hypergrad-run")
 *     .listener((round, rounds, metrics, eta) -> System.out.println(round + " " + metrics.get("valLoss")))
 *     .fit();
 * r.history();   // one map per round
 * r.lambda();    // the learned hyperparameters
 * }</pre>
 */
public final class Hypergrad {
    private static final AtomicInteger RUNS = new AtomicInteger();

    private final SparkSession spark;
    private final RunConfig config;
    private final String output;
    private final RoundListener listener;
    private final Dataset<Row> table;

    private Hypergrad(SparkSession spark, RunConfig config, String output, RoundListener listener, Dataset<Row> table) {
        this.spark = spark;
        this.config = config;
        this.output = output;
        this.listener = listener;
        this.table = table;
    }

    /** A builder on an existing session, starting from the defaults. */
    public static Hypergrad on(SparkSession spark) {
        return new Hypergrad(spark, RunConfig.defaults(), null, RoundListener.NONE, null);
    }

    /** Starts from a config already resolved (replaces every setting made so far). */
    public Hypergrad config(RunConfig c) {
        return new Hypergrad(spark, c, output, listener, table);
    }

    /**
     * Tunes on these rows ({@code hypergrad.problem = table}): {@code hypergrad.data.label},
     * {@code features}, {@code group} and {@code split.*} name its columns and how to split them, as for a
     * table read from a path; the rows are validated and cached into the run folder when the run starts.
     */
    public Hypergrad table(Dataset<Row> rows) {
        return new Hypergrad(spark, config, output, listener, rows);
    }

    /** Starts from a HOCON config file (e.g. {@code conf/demo.conf}). */
    public Hypergrad config(String path) {
        File f = new File(path);
        if (!f.isFile()) {
            throw new IllegalArgumentException("no config file " + path);
        }
        return new Hypergrad(spark, RunConfig.of(io.hypergrad.common.config.ConfigFiles.parse(f)), output, listener, table);
    }

    /** Sets any config key ({@code hypergrad.…}); the value is validated now. */
    public Hypergrad set(String key, Object value) {
        String v = value instanceof String s ? com.typesafe.config.ConfigUtil.quoteString(s) : String.valueOf(value);
        return new Hypergrad(spark, config.with(key, v), output, listener, table);
    }

    public Hypergrad problem(String name) {
        return set("hypergrad.problem", name);
    }

    public Hypergrad estimator(String name) {
        return set("hypergrad.estimator", name);
    }

    public Hypergrad aggregator(String name) {
        return set("hypergrad.aggregator", name);
    }

    public Hypergrad rounds(int n) {
        return set("hypergrad.rounds", n);
    }

    public Hypergrad seed(long seed) {
        return set("hypergrad.seed", seed);
    }

    /** The run folder (any Hadoop path); default a new folder under the system temp dir. */
    public Hypergrad output(String path) {
        return new Hypergrad(spark, config, path, listener, table);
    }

    /** Receives every round's metrics (e.g. to drive a progress widget). */
    public Hypergrad listener(RoundListener l) {
        return new Hypergrad(spark, config, output, l, table);
    }

    /** The resolved config. */
    public RunConfig config() {
        return config;
    }

    /** Runs to the end on the calling thread and returns the result. */
    public Result fit() {
        return start().join();
    }

    /**
     * Starts the run on a background thread, resuming from the output folder's checkpoints when it has
     * any. {@link Handle#cancel()} stops it at a safe point and {@link Handle#join()} then throws.
     *
     * @throws io.hypergrad.common.config.ConfigException when another run writes the output folder
     */
    public Handle start() {
        String dir = output != null ? output
                : new File(System.getProperty("java.io.tmpdir"), "hypergrad-run-" + System.currentTimeMillis() + "-" + RUNS.incrementAndGet()).getPath();
        JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<Map<String, Object>> history = Collections.synchronizedList(new ArrayList<>());
        // One writer per run folder, as for the command line: a folder another run writes is refused here.
        RunLock lock = RunLock.acquire(dir, sc.hadoopConfiguration(), config.get(RunConfig.LOCK_LEASE));
        RunFolder folder;
        RunConfig prepared;
        try {
            folder = new RunFolder(dir, sc.hadoopConfiguration());
            prepared = table == null ? config : TablePreparation.prepare(config, table, folder.uri());
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        RoundListener both = new RoundListener() {
            @Override
            public void onRound(int round, int rounds, Map<String, Object> metrics, double eta) {
                history.add(new LinkedHashMap<>(metrics));
                listener.onRound(round, rounds, metrics, eta);
            }

            @Override
            public void onFinish(Map<String, Object> summary) {
                listener.onFinish(summary);
            }
        };
        SafeStop stop = new SafeStop("hypergrad-api-" + RUNS.incrementAndGet());
        CompletableFuture<Result> f = CompletableFuture.supplyAsync(() -> {
            try (lock) {
                Map<String, Object> summary = stop.run(sc, prepared, folder, lock, both, true);
                return new Result(List.copyOf(history), summary, folder.uri(), RoundLoop.lambdaOf(folder, prepared), prepared);
            }
        }, runner());
        return new Handle(f, stop);
    }

    /** One daemon thread per run, so Spark's thread-local job group belongs to that run alone. */
    private static java.util.concurrent.Executor runner() {
        return r -> {
            Thread t = new Thread(r, "hypergrad-run");
            t.setDaemon(true);
            t.start();
        };
    }

    /** A running fit. */
    public static final class Handle {
        private final CompletableFuture<Result> future;
        private final SafeStop stop;

        Handle(CompletableFuture<Result> future, SafeStop stop) {
            this.future = future;
            this.stop = stop;
        }

        /**
         * Waits for the result; throws if the run failed, or {@link io.hypergrad.driver.round.RunStoppedException}
         * if it was cancelled.
         */
        public Result join() {
            try {
                return future.join();
            } catch (java.util.concurrent.CompletionException e) {
                throw e.getCause() instanceof RuntimeException r ? r : e;
            }
        }

        /**
         * Stops the run at a safe point, as SIGTERM stops {@code hypergrad run}: its Spark jobs are cancelled,
         * the round in flight is abandoned and its last good checkpoint kept, so the same builder's
         * {@link #fit()} on the same output resumes it.
         */
        public void cancel() {
            stop.request("cancel()");
        }

        public boolean isDone() {
            return future.isDone();
        }
    }

    /**
     * What a fit returns.
     *
     * @param history   one metrics map per round, in order
     * @param summary   the contents of summary.json
     * @param runFolder where the outputs are
     * @param lambda    the learned λ
     * @param config    the config the run ran under (for a table run: with its prepared table)
     */
    public record Result(List<Map<String, Object>> history, Map<String, Object> summary, String runFolder, double[] lambda, RunConfig config) {}
}
