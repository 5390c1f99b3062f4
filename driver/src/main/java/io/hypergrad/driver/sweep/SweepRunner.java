package io.hypergrad.driver.sweep;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypergrad.common.config.ConfigException;
import io.hypergrad.common.config.RunConfig;
import io.hypergrad.driver.output.RunFolder;
import io.hypergrad.driver.output.RunLock;
import io.hypergrad.driver.round.RoundListener;
import io.hypergrad.driver.round.RoundLoop;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BiConsumer;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Runs a sweep's runs inside one Spark application, up to N at a time, each in its own FAIR scheduler
 * pool so they share the executors. Each run holds its folder's {@link RunLock} while it runs, so a sweep
 * started twice never has two writers in one run folder. Resumable: a run with a {@code summary.json} is skipped, one with
 * checkpoints resumes from the newest valid one. At the end it writes the ranking as CSV and Markdown.
 */
public final class SweepRunner {
    private static final ObjectMapper JSON = new ObjectMapper();

    private final JavaSparkContext sc;
    private final SweepSpec spec;
    private final RunFolder sweepFolder;

    public SweepRunner(JavaSparkContext sc, SweepSpec spec, RunFolder sweepFolder) {
        this.sc = sc;
        this.spec = spec;
        this.sweepFolder = sweepFolder;
    }

    /**
     * Runs every run not yet complete, {@code parallel} at a time; {@code progress} hears each run's
     * rounds. Returns the ranking. A failed run is recorded as failed and the others go on.
     */
    public List<Row> run(int parallel, BiConsumer<String, String> progress) {
        sweepFolder.writeText("sweep.conf", describe());
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, parallel));
        try {
            List<Future<?>> fs = new ArrayList<>();
            for (SweepRun r : spec.runs()) {
                RunFolder f = folderOf(r);
                if (f.exists("summary.json")) {
                    progress.accept(r.name(), "complete; skipped");
                    continue;
                }
                fs.add(pool.submit(() -> {
                    // Job group, pool and description are thread-local in Spark: each run owns its thread.
                    sc.setLocalProperty("spark.scheduler.pool", r.name());
                    sc.setJobGroup("sweep:" + spec.name() + ":" + r.name(), "sweep " + spec.name() + " · " + r.name(), true);
                    // Each run takes its folder's lock: a run another process writes (the sweep started twice) is
                    // left to it, untouched.
                    RunLock lock;
                    try {
                        lock = RunLock.acquire(f.uri(), sc.hadoopConfiguration(), r.config().get(RunConfig.LOCK_LEASE));
                    } catch (ConfigException busy) {
                        progress.accept(r.name(), "not run: " + busy.getMessage());
                        return null;
                    }
                    try (lock) {
                        RoundListener l = (round, rounds, m, eta) -> progress.accept(r.name(),
                                String.format(Locale.ROOT, "round %d/%d valLoss %.4g", round, rounds, ((Number) m.get("valLoss")).doubleValue()));
                        new RoundLoop(sc, r.config(), f, l.afterEachRound(round -> lock.heartbeat())).run(true, -1);
                        progress.accept(r.name(), "complete");
                    } catch (RuntimeException e) {
                        f.writeText("FAILED", e.getMessage() + "\n");
                        progress.accept(r.name(), "failed: " + e.getMessage());
                    }
                    return null;
                }));
            }
            for (Future<?> f : fs) {
                try {
                    f.get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }
        } finally {
            pool.shutdown();
        }
        List<Row> rows = status();
        writeSummary(rows);
        return rows;
    }

    /**
     * One run's state.
     *
     * @param name   the run's name
     * @param state  complete, partial (round k), failed, or pending
     * @param metric the sweep metric from its summary (NaN until complete)
     */
    public record Row(String name, String state, double metric) {}

    /** Every run's state and metric, best first (then incomplete runs in sweep order). */
    public List<Row> status() {
        List<Row> rows = new ArrayList<>();
        for (SweepRun r : spec.runs()) {
            RunFolder f = folderOf(r);
            if (f.exists("summary.json")) {
                rows.add(new Row(r.name(), "complete", metricOf(f)));
            } else if (f.exists("FAILED")) {
                rows.add(new Row(r.name(), "failed", Double.NaN));
            } else if (f.exists("metrics.jsonl")) {
                int rounds = f.readText("metrics.jsonl").strip().split("\n").length;
                rows.add(new Row(r.name(), "partial (round " + rounds + ")", Double.NaN));
            } else {
                rows.add(new Row(r.name(), "pending", Double.NaN));
            }
        }
        Comparator<Row> byMetric = Comparator.comparingDouble(Row::metric);
        if (spec.maximise()) {
            byMetric = byMetric.reversed();
        }
        Comparator<Row> order = Comparator.comparing((Row r) -> Double.isNaN(r.metric())).thenComparing(byMetric);
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort(order);
        return sorted;
    }

    /** The status as a Markdown table. */
    public String markdown(List<Row> rows) {
        StringBuilder sb = new StringBuilder("| rank | run | state | " + spec.metric() + " |\n|---|---|---|---|\n");
        int rank = 1;
        for (Row r : rows) {
            sb.append("| ").append(Double.isNaN(r.metric()) ? "" : String.valueOf(rank++)).append(" | ").append(r.name())
                    .append(" | ").append(r.state()).append(" | ")
                    .append(Double.isNaN(r.metric()) ? "" : String.format(Locale.ROOT, "%.6g", r.metric())).append(" |\n");
        }
        return sb.toString();
    }

    private void writeSummary(List<Row> rows) {
        StringBuilder csv = new StringBuilder("rank,run,state," + spec.metric() + "\n");
        int rank = 1;
        for (Row r : rows) {
            csv.append(Double.isNaN(r.metric()) ? "" : String.valueOf(rank++)).append(',').append(r.name()).append(',')
                    .append(r.state()).append(',').append(Double.isNaN(r.metric()) ? "" : String.valueOf(r.metric())).append('\n');
        }
        sweepFolder.writeText("summary.csv", csv.toString());
        sweepFolder.writeText("summary.md", "# Sweep " + spec.name() + "\n\nRanked by " + spec.metric()
                + (spec.maximise() ? " (higher is better)" : " (lower is better)") + ".\n\n" + markdown(rows));
    }

    private double metricOf(RunFolder f) {
        try {
            JsonNode n = JSON.readTree(f.readText("summary.json"));
            for (String part : spec.metric().split("\\.")) {
                n = n == null ? null : n.get(part);
            }
            return n == null || !n.isNumber() ? Double.NaN : n.asDouble();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    RunFolder folderOf(SweepRun r) {
        return new RunFolder(r.folderIn(sweepFolder.uri()), sc.hadoopConfiguration());
    }

    private String describe() {
        StringBuilder sb = new StringBuilder("# sweep " + spec.name() + ": " + spec.runs().size() + " runs\n");
        for (SweepRun r : spec.runs()) {
            sb.append("# ").append(r.name()).append(": ").append(r.overrides()).append('\n');
        }
        return sb.toString();
    }
}
