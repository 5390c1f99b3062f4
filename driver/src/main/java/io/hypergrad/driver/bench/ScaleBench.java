package io.hypergrad.driver.bench;

import io.hypergrad.driver.spark.SparkSetup;
import io.hypergrad.workers.episode.EpisodeResult;
import io.hypergrad.workers.episode.PartialResult;
import io.hypergrad.workers.episode.SumTree;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * {@code bench scale}: what a round costs the driver as λ, the meta-batch and the partitions grow. Each
 * cell runs rounds of synthetic episodes — each spins for {@value #TASK_MILLIS} ms and returns a
 * one-row trajectory of |λ| doubles (what {@code sum} and {@code last} ship) — through the round's own
 * aggregation ({@link SumTree}: lower levels on the executors when the results are large, the rest on the
 * driver) and prints, per cell:
 * <ul>
 *   <li>the driver's peak live heap above its idle baseline, λ included: live bytes (after a full GC) with
 *       the collected results in hand and again with their sum, in a round of its own (the timed rounds
 *       run without GC pauses); against the target of 3 × (|λ| + one partial result);</li>
 *   <li>bytes shipped per round: λ's broadcast, the results the driver collects, and the bytes the tree's
 *       levels shuffle between executors (Spark's own task metrics);</li>
 *   <li>the round overhead: wall time minus the ideal — the slowest episode task, or the episode tasks'
 *       total time over the cores when there are more tasks than cores (as {@code bench spark} does) —
 *       median over the timed rounds; against the target of 50 ms + 0.2 ms per task.</li>
 * </ul>
 * Local mode: the driver and the executor threads share one JVM, so the heap figure is taken when the
 * executors are idle (after the job, with the driver holding what it collected).
 */
public final class ScaleBench {
    /** How long each synthetic episode computes. */
    static final int TASK_MILLIS = 10;

    private ScaleBench() {}

    /** One cell's figures. */
    record Cell(int lambda, int tasks, int partitions, int executorLevels, long broadcastBytes, long collectedBytes, long shuffledBytes,
                double heapMb, double heapTargetMb, double overheadMs, double overheadTargetMs, double roundMs) {}

    /**
     * Runs the grid on {@code master} and prints a Markdown table.
     *
     * @param rounds timed rounds per cell (after one warm-up round)
     */
    public static List<Cell> run(String master, int[] lambdas, int[] taskCounts, int[] partitionCounts, int rounds, PrintStream out) {
        SparkConf conf = SparkSetup.configure(new SparkConf().setMaster(master).setAppName("bench-scale").set("spark.ui.enabled", "false"));
        List<Cell> cells = new ArrayList<>();
        out.println("| |λ| | tasks | partitions | levels on executors | broadcast | to driver | shuffled | driver heap (MB) | target | overhead (ms) | target | round (ms) |");
        out.println("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            Metrics metrics = new Metrics();
            sc.sc().addSparkListener(metrics);
            int cores = sc.defaultParallelism();
            for (int lambda : lambdas) {
                for (int tasks : taskCounts) {
                    for (int p : partitionCounts) {
                        if (p > tasks) {
                            continue;
                        }
                        Cell c = cell(sc, metrics, cores, lambda, tasks, p, rounds);
                        cells.add(c);
                        out.printf(Locale.ROOT, "| %,d | %d | %d | %d | %s | %s | %s | %.2f | %.2f | %.1f | %.1f | %.0f |%n", c.lambda(), c.tasks(),
                                c.partitions(), c.executorLevels(), mb(c.broadcastBytes()), mb(c.collectedBytes()), mb(c.shuffledBytes()),
                                c.heapMb(), c.heapTargetMb(), c.overheadMs(), c.overheadTargetMs(), c.roundMs());
                        out.flush();
                    }
                }
            }
        }
        return cells;
    }

    private static Cell cell(JavaSparkContext sc, Metrics metrics, int cores, int h, int tasks, int partitions, int rounds) {
        double[] lambda = new double[h];
        for (int i = 0; i < h; i++) {
            lambda[i] = 1.0 / (1 + i);
        }
        long partialBytes = 8L * h;
        long driverBytes = SumTree.driverBytes(sc.getConf());
        List<Integer> episodes = IntStream.range(0, tasks).boxed().toList();
        List<Double> overhead = new ArrayList<>();
        List<Double> wall = new ArrayList<>();
        long collected = 0;
        long shuffled = 0;
        int levels = 0;
        for (int r = 0; r <= rounds; r++) {
            metrics.reset();
            long t0 = System.nanoTime();
            Broadcast<double[]> b = sc.broadcast(lambda);
            SumTree.Top top = SumTree.onExecutors(sc.parallelize(episodes, partitions).mapPartitions(new Synthetic(b)), partitions,
                    partialBytes, driverBytes);
            PartialResult total = SumTree.finish(top.rdd().collect(), partitions, top.parts());
            double seconds = (System.nanoTime() - t0) / 1e9;
            b.destroy();
            if (total.episodes != tasks) {
                throw new IllegalStateException("the tree summed " + total.episodes + " of " + tasks + " episodes");
            }
            metrics.drain(sc);
            levels = metrics.stages() - 1;
            collected = metrics.collected;
            shuffled = metrics.shuffled;
            // The first round pays for JIT warm-up and class loading; it is not the steady state.
            if (r > 0) {
                wall.add(seconds * 1000);
                overhead.add((seconds - Math.max(metrics.slowestFirstStageTask(), metrics.firstStageTotal() / cores)) * 1000);
            }
        }
        double heap = driverHeap(sc, lambda, episodes, partitions, partialBytes, driverBytes);
        double target = 3 * (8.0 * h + partialBytes) / 1e6;
        return new Cell(h, tasks, partitions, levels, 8L * h, collected, shuffled, heap, target, median(overhead), 50 + 0.2 * tasks,
                median(wall));
    }

    /** The driver's peak live heap in a round, above the idle baseline with λ not yet allocated, in MB. */
    private static double driverHeap(JavaSparkContext sc, double[] template, List<Integer> episodes, int partitions, long partialBytes,
                                     long driverBytes) {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        System.gc();
        long base = memory.getHeapMemoryUsage().getUsed();
        double[] lambda = template.clone();
        Broadcast<double[]> b = sc.broadcast(lambda);
        SumTree.Top top = SumTree.onExecutors(sc.parallelize(episodes, partitions).mapPartitions(new Synthetic(b)), partitions,
                partialBytes, driverBytes);
        List<PartialResult> collected = top.rdd().collect();
        System.gc();
        long peak = memory.getHeapMemoryUsage().getUsed() - base;
        PartialResult total = SumTree.finish(collected, partitions, top.parts());
        System.gc();
        peak = Math.max(peak, memory.getHeapMemoryUsage().getUsed() - base);
        b.destroy();
        if (total.episodes != episodes.size() || lambda.length == 0) {
            throw new IllegalStateException("the tree summed " + total.episodes + " of " + episodes.size() + " episodes");
        }
        return peak / 1e6;
    }

    private static String mb(long bytes) {
        return bytes >= 1_000_000 ? String.format(Locale.ROOT, "%.1f MB", bytes / 1e6) : String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
    }

    static double median(List<Double> xs) {
        List<Double> s = new ArrayList<>(xs);
        Collections.sort(s);
        int n = s.size();
        return n == 0 ? Double.NaN : n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
    }

    /** A partition of synthetic episodes: each computes for {@value #TASK_MILLIS} ms and returns a row of |λ|. */
    static final class Synthetic implements FlatMapFunction<Iterator<Integer>, PartialResult> {
        private static final long serialVersionUID = 1L;
        private final Broadcast<double[]> lambda;

        Synthetic(Broadcast<double[]> lambda) {
            this.lambda = lambda;
        }

        @Override
        public Iterator<PartialResult> call(Iterator<Integer> it) {
            double[] l = lambda.value();
            PartialResult sum = new PartialResult();
            while (it.hasNext()) {
                int task = it.next();
                long start = System.nanoTime();
                EpisodeResult e = new EpisodeResult();
                e.task = task;
                e.rows = 1;
                e.trajectory = new double[l.length];
                for (int i = 0; i < l.length; i++) {
                    e.trajectory[i] = l[i] * (task + 1);
                }
                e.reptile = new double[0];
                // The episode's compute: spin (not sleep) so that the core is busy as a real episode's would be.
                while (System.nanoTime() - start < TASK_MILLIS * 1_000_000L) {
                    Thread.onSpinWait();
                }
                e.seconds = (System.nanoTime() - start) / 1e9;
                sum.add(e);
            }
            return List.of(sum).iterator();
        }
    }

    /** Spark's task metrics of one round: result bytes to the driver, shuffle bytes, the episode stage's task times. */
    static final class Metrics extends SparkListener {
        long collected;
        long shuffled;
        private final List<int[]> stageAndMillis = Collections.synchronizedList(new ArrayList<>());

        void reset() {
            collected = 0;
            shuffled = 0;
            stageAndMillis.clear();
        }

        @Override
        public synchronized void onTaskEnd(SparkListenerTaskEnd e) {
            if (e.taskMetrics() == null) {
                return;
            }
            if (e.taskType().equals("ResultTask")) {
                collected += e.taskMetrics().resultSize();
            }
            shuffled += e.taskMetrics().shuffleWriteMetrics().bytesWritten();
            stageAndMillis.add(new int[] {e.stageId(), (int) e.taskInfo().duration()});
        }

        /** Waits until Spark's listener bus has delivered the round's events. */
        void drain(JavaSparkContext sc) {
            try {
                sc.sc().listenerBus().waitUntilEmpty();
            } catch (Exception e) {
                // Scala declares no checked exceptions; javac sees waitUntilEmpty's TimeoutException only here.
                throw new IllegalStateException("Spark's listener bus did not drain", e);
            }
        }

        private int firstStage() {
            synchronized (stageAndMillis) {
                return stageAndMillis.stream().mapToInt(s -> s[0]).min().orElse(-1);
            }
        }

        int stages() {
            synchronized (stageAndMillis) {
                return (int) stageAndMillis.stream().mapToInt(s -> s[0]).distinct().count();
            }
        }

        double slowestFirstStageTask() {
            int first = firstStage();
            synchronized (stageAndMillis) {
                return stageAndMillis.stream().filter(s -> s[0] == first).mapToInt(s -> s[1]).max().orElse(0) / 1e3;
            }
        }

        double firstStageTotal() {
            int first = firstStage();
            synchronized (stageAndMillis) {
                return stageAndMillis.stream().filter(s -> s[0] == first).mapToInt(s -> s[1]).sum() / 1e3;
            }
        }
    }
}
