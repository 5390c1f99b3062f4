package io.hypergrad.driver.bench;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.driver.output.RunFolder;
import io.hypergrad.driver.round.RoundListener;
import io.hypergrad.driver.round.RoundLoop;
import io.hypergrad.driver.spark.SparkSetup;
import io.hypergrad.workers.episode.PartialResult;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.serializer.KryoSerializer;

/**
 * {@code bench spark}: for a config, rounds per minute with {@code local[1]} and {@code local[2]} (the
 * speed-up), the median per-round overhead, and the Kryo-serialised bytes of a trajectory against its
 * raw K × H × 8 bytes. Overhead is the round's wall time minus its ideal compute time: the slowest task
 * when every task has a core, else the tasks' total compute divided by the cores — with more tasks
 * than cores, "minus the slowest task" would count the waiting for a core as overhead.
 */
public final class SparkBench {
    private SparkBench() {}

    /** What one master's run measured. */
    record Measured(double roundsPerMinute, double medianOverheadMs, double medianRoundSeconds) {}

    static Measured measure(RunConfig c, String master, Path dir) {
        SparkConf conf = SparkSetup.configure(new SparkConf().setMaster(master).setAppName("bench-spark")
                .set("spark.ui.enabled", "false"));
        List<Double> overhead = new ArrayList<>();
        int[] cores = {1};
        List<Double> roundSeconds = new ArrayList<>();
        RoundListener l = (round, rounds, m, eta) -> {
            double s = ((Number) m.get("seconds")).doubleValue();
            // The first round pays for JIT warm-up and problem loading; it is not the steady state.
            if (round > 1) {
                roundSeconds.add(s);
                double ideal = Math.max(((Number) m.get("maxTaskSeconds")).doubleValue(),
                        ((Number) m.get("taskSeconds")).doubleValue() / cores[0]);
                overhead.add((s - ideal) * 1000);
            }
        };
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            cores[0] = sc.defaultParallelism();
            new RoundLoop(sc, c, new RunFolder(dir.toString(), sc.hadoopConfiguration()), l).run(false, -1);
        }
        double total = roundSeconds.stream().mapToDouble(Double::doubleValue).sum();
        return new Measured(roundSeconds.size() / total * 60, median(overhead), median(roundSeconds));
    }

    /** Runs the benchmark on a config (evaluation off) and prints the figures. */
    public static void run(RunConfig config, int rounds, PrintStream out) throws java.io.IOException {
        RunConfig c = config.with("hypergrad.rounds", String.valueOf(rounds)).with("hypergrad.eval.every", "0")
                .with("hypergrad.eval.testTasks", "0").with("hypergrad.eval.tasks", "1");
        Path tmp = Files.createTempDirectory("hypergrad-bench-spark");
        Measured one = measure(c, "local[1]", tmp.resolve("one"));
        Measured two = measure(c, "local[2]", tmp.resolve("two"));
        out.printf("problem=%s metaBatch=%d estimator=%s rounds=%d%n", c.get(RunConfig.PROBLEM), c.get(RunConfig.META_BATCH),
                c.get(RunConfig.ESTIMATOR), rounds);
        out.printf("local[1] rounds_per_min=%.1f median_round_s=%.3f median_overhead_ms=%.1f (%.1f%%)%n", one.roundsPerMinute(),
                one.medianRoundSeconds(), one.medianOverheadMs(), one.medianOverheadMs() / 10 / one.medianRoundSeconds());
        out.printf("local[2] rounds_per_min=%.1f median_round_s=%.3f median_overhead_ms=%.1f (%.1f%%)%n", two.roundsPerMinute(),
                two.medianRoundSeconds(), two.medianOverheadMs(), two.medianOverheadMs() / 10 / two.medianRoundSeconds());
        out.printf("speedup=%.2f (target >= 1.8)%n", two.roundsPerMinute() / one.roundsPerMinute());
        for (int[] kh : new int[][] {{100, 28_000}, {100, 1_000}, {10, 100}}) {
            out.printf("trajectory K=%d H=%d serialized_bytes=%d raw_bytes=%d ratio=%.4f (target <= 1.05)%n", kh[0], kh[1],
                    serializedBytes(kh[0], kh[1]), (long) kh[0] * kh[1] * 8, serializedBytes(kh[0], kh[1]) / (kh[0] * kh[1] * 8.0));
        }
    }

    /** Kryo-serialised size of a partition result carrying a K × H trajectory. */
    static long serializedBytes(int k, int h) {
        SparkConf conf = SparkSetup.configure(new SparkConf());
        PartialResult p = new PartialResult();
        p.episodes = 1;
        p.rows = k;
        p.trajectory = new double[k * h];
        for (int i = 0; i < p.trajectory.length; i++) {
            p.trajectory[i] = Math.sin(i);
        }
        p.reptile = new double[0];
        ByteBuffer b = new KryoSerializer(conf).newInstance().serialize(p, scala.reflect.ClassTag$.MODULE$.apply(PartialResult.class));
        return b.remaining();
    }

    static double median(List<Double> xs) {
        if (xs.isEmpty()) {
            return Double.NaN;
        }
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n % 2 == 1 ? s.get(n / 2) : 0.5 * (s.get(n / 2 - 1) + s.get(n / 2));
    }
}
