package io.hypergrad.driver.bench;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.driver.output.RunFolder;
import io.hypergrad.driver.spark.SparkSetup;
import io.hypergrad.driver.sweep.SweepRunner;
import io.hypergrad.driver.sweep.SweepSpec;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * Load: a sweep of many small runs inside one Spark application, {@code parallel} at a time in their own
 * FAIR pools, against the same runs one after another in the same application. Every run's λ fingerprint
 * must be the same both ways — sharing the executors must change nothing but the wall time.
 */
public final class LoadBench {
    private LoadBench() {}

    /**
     * What a load run found.
     *
     * @param runs              runs in the sweep
     * @param parallel          runs at a time in the concurrent pass
     * @param master            the Spark master both passes shared
     * @param sequentialSeconds wall time of the runs one after another
     * @param concurrentSeconds wall time of the runs {@code parallel} at a time
     * @param identical         runs whose concurrent fingerprint equals their sequential one
     * @param completed         runs complete in both passes
     * @param mismatches        the runs that differ or did not complete, with what happened
     */
    public record Result(int runs, int parallel, String master, double sequentialSeconds, double concurrentSeconds, int identical,
                         int completed, List<String> mismatches) {
        /** Whether every run completed both ways with the same fingerprint. */
        public boolean held() {
            return identical == runs && completed == runs;
        }
    }

    /**
     * Runs {@code runs} drill configs (seeds 1…runs, {@code rounds} rounds each) as a sweep in one
     * application on {@code master}: first one at a time, then {@code parallel} at a time.
     */
    public static Result run(int runs, int parallel, int rounds, String master, Path work, PrintStream out) throws IOException {
        Files.createDirectories(work);
        RunConfig base = FaultDrills.drillConfig(rounds);
        Files.writeString(work.resolve("base.conf"), "hypergrad {\n" + base.resolvedHocon().replace("hypergrad.", "  ") + "}\n");
        StringBuilder seeds = new StringBuilder();
        for (int s = 1; s <= runs; s++) {
            seeds.append(s == 1 ? "" : ", ").append(s);
        }
        Path sweepFile = work.resolve("load.conf");
        Files.writeString(sweepFile, "sweep { name = load, base = base.conf, metric = finalValLoss, goal = min, grid { \"hypergrad.seed\" = ["
                + seeds + "] } }\n");
        SweepSpec spec = SweepSpec.load(sweepFile.toFile());
        SparkConf conf = SparkSetup.configure(new SparkConf().setMaster(master).setAppName("hypergrad-load")
                .set("spark.ui.enabled", "false").set("spark.scheduler.mode", "FAIR"));
        double sequential;
        double concurrent;
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            // Warm-up (class loading, JIT) outside both timings, so that neither pass pays it.
            new SweepRunner(sc, SweepSpec.load(warmUp(work)), new RunFolder(work.resolve("warm-up").toString(), sc.hadoopConfiguration()))
                    .run(1, (r, m) -> { });
            sequential = timed(sc, spec, work.resolve("sequential"), 1);
            out.printf(Locale.ROOT, "load: %d runs one after another: %.1f s%n", runs, sequential);
            concurrent = timed(sc, spec, work.resolve("concurrent"), parallel);
            out.printf(Locale.ROOT, "load: %d runs, %d at a time: %.1f s%n", runs, parallel, concurrent);
        }
        int identical = 0;
        int completed = 0;
        List<String> mismatches = new ArrayList<>();
        for (var r : spec.runs()) {
            String a = fingerprint(work.resolve("sequential").resolve(r.name()));
            String b = fingerprint(work.resolve("concurrent").resolve(r.name()));
            if (a != null && b != null) {
                completed++;
            }
            if (a != null && a.equals(b)) {
                identical++;
            } else {
                mismatches.add(r.name() + ": alone " + a + ", concurrently " + b);
            }
        }
        Result result = new Result(runs, parallel, master, sequential, concurrent, identical, completed, List.copyOf(mismatches));
        out.printf(Locale.ROOT, "load: %d/%d runs complete both ways, %d/%d with the same fingerprint; %.2f× the throughput%n",
                completed, runs, identical, runs, sequential / concurrent);
        mismatches.forEach(m -> out.println("  DIFFERENT " + m));
        return result;
    }

    private static java.io.File warmUp(Path work) throws IOException {
        Path f = work.resolve("warm-up.conf");
        Files.writeString(f, "sweep { name = warm-up, base = base.conf, set { \"hypergrad.rounds\" = 2 }, grid { \"hypergrad.seed\" = [101] } }\n");
        return f.toFile();
    }

    private static double timed(JavaSparkContext sc, SweepSpec spec, Path dir, int parallel) {
        long t0 = System.nanoTime();
        new SweepRunner(sc, spec, new RunFolder(dir.toString(), sc.hadoopConfiguration())).run(parallel, (r, m) -> { });
        return (System.nanoTime() - t0) / 1e9;
    }

    private static final Pattern SHA = Pattern.compile("\"lambdaSha256\":\"([0-9a-f]{64})\"");

    /** The run's fingerprint from its summary, or null when it did not complete. */
    private static String fingerprint(Path run) throws IOException {
        Path summary = run.resolve("summary.json");
        if (!Files.exists(summary)) {
            return null;
        }
        Matcher m = SHA.matcher(Files.readString(summary));
        return m.find() ? m.group(1) : null;
    }
}
