package io.hypergrad.driver.cli;

import io.hypergrad.driver.bench.EngineBench;
import io.hypergrad.driver.bench.SparkBench;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code bench NAME}: benchmarks that print figures (engine, spark, memory). */
@Command(name = "bench", mixinStandardHelpOptions = true, description = "Benchmarks that print figures: engine, spark, memory, scale, table, faults, tuning.")
class BenchCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "engine, spark, memory, scale (a round's driver heap, bytes and overhead "
            + "over |λ|, tasks and partitions), table (read and cache 1 M rows × 100 features; "
            + "a table round against a built-in one), faults, or tuning (--vs-spark-ml: against Spark ML's CrossValidator)")
    String name;

    @Option(names = "--lambdas", description = "scale: the |λ| of the grid; default 1000,100000,1000000")
    String lambdas = "1000,100000,1000000";

    @Option(names = "--tasks", description = "scale: the meta-batch sizes of the grid; default 8,64,512")
    String tasks = "8,64,512";

    @Option(names = "--partitions", description = "scale: the partition counts of the grid; default 1,8,64,256")
    String partitions = "1,8,64,256";

    @Option(names = "--vs-spark-ml", description = "tuning: compare with Spark ML's CrossValidator (required: it is the benchmark)")
    boolean vsSparkMl;

    @Option(names = "--master", description = "tuning: the Spark master both tuners share; scale: the master of the grid; default local[*]")
    String master = "local[*]";

    @Option(names = "--vs-pytorch", description = "engine: also time the PyTorch 1.13 peer (Debian python3-torch) and print ratios")
    boolean vsPytorch;

    @Option(names = "--reps", description = "timed repetitions per case (medians are reported); default 30")
    int reps = 30;

    @Option(names = "--config", description = "spark: the config to run; default conf/demo.conf (ANIL on QuickDraw, scaled) with metaBatch 8")
    String config;

    @Option(names = "--rounds", description = "spark: rounds per master, default 12; scale: timed rounds per cell, default 3")
    Integer rounds;

    @Option(names = "--injections", description = "faults: executor kills, damaged checkpoints of each kind, and twice as many driver "
            + "kills (a quarter inside a checkpoint write); default 10 (with the rest, ≈ 1 h on 2 cores)")
    int injections = 10;

    @Option(names = "--numeric", description = "faults: drills per numerical fault class and policy (15 classes); default 3")
    int numeric = 3;

    @Option(names = "--doc", description = "faults, tuning: where to write the table; default docs/RELIABILITY.md (faults), "
            + "docs/PERFORMANCE.md (tuning); '-' prints only")
    String doc;

    @Override
    public Integer call() throws Exception {
        Path home = Path.of(System.getProperty("hypergrad.home", "."));
        switch (name) {
            case "engine" -> {
                EngineBench.Peer peer = vsPytorch ? EngineBench.Peer.start(home) : null;
                try {
                    EngineBench.run(EngineBench::conv4, peer, 5, reps, System.out);
                } finally {
                    if (peer != null) {
                        peer.close();
                    }
                }
            }
            case "spark" -> {
                RunCommand r = new RunCommand();
                r.config = config != null ? config : home.resolve("conf/demo.conf").toString();
                if (config == null) {
                    r.sets = java.util.List.of("metaBatch=8", "estimator=\"one-step\"");
                }
                SparkBench.run(r.resolve(), rounds == null ? 12 : rounds, System.out);
            }
            case "memory" -> io.hypergrad.driver.bench.MemoryBench.run(System.out);
            case "scale" -> io.hypergrad.driver.bench.ScaleBench.run(master, ints(lambdas), ints(tasks), ints(partitions),
                    rounds == null ? 3 : rounds, System.out);
            case "table" -> {
                io.hypergrad.driver.bench.TableBench.run(System.out);
                io.hypergrad.driver.bench.TableOverheadBench.run(System.out);
            }
            case "faults" -> {
                if (injections < 2) {
                    throw new io.hypergrad.common.config.ConfigException("--injections " + injections + ": must be at least 2");
                }
                if (numeric < 1) {
                    throw new io.hypergrad.common.config.ConfigException("--numeric " + numeric + ": must be at least 1");
                }
                Path target = doc == null ? home.resolve("docs/RELIABILITY.md") : doc.equals("-") ? null : Path.of(doc);
                Path work = java.nio.file.Files.createTempDirectory("hypergrad-faults");
                java.util.List<io.hypergrad.driver.bench.FaultDrills.Outcome> all =
                        io.hypergrad.driver.bench.FaultBench.run(home, injections, numeric, work, target, System.out);
                long lost = all.stream().filter(o -> !o.survived()).count();
                if (lost > 0) {
                    System.out.println(lost + " drill(s) did not survive");
                    return ExitCode.FAILED;
                }
            }
            case "tuning" -> {
                if (!vsSparkMl) {
                    throw new io.hypergrad.common.config.ConfigException("bench tuning compares with Spark ML: run it as bench tuning --vs-spark-ml");
                }
                Path target = doc == null ? home.resolve("docs/PERFORMANCE.md") : doc.equals("-") ? null : Path.of(doc);
                io.hypergrad.driver.bench.TuningBench.run(master, target, commit(home), System.out);
            }
            default -> throw new IllegalArgumentException("unknown benchmark '" + name + "'; known: engine, spark, memory, scale, table, faults, tuning");
        }
        return ExitCode.OK;
    }

    private static int[] ints(String list) {
        return java.util.Arrays.stream(list.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
    }

    /** The commit the benchmark runs at (with "+changes" when the tree is dirty), or "unknown" outside a git checkout. */
    private static String commit(Path home) {
        try {
            Process p = new ProcessBuilder("git", "-C", home.toString(), "describe", "--always", "--dirty=+changes").redirectErrorStream(true).start();
            String s = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8).trim();
            return p.waitFor() == 0 && !s.isEmpty() ? s : "unknown";
        } catch (java.io.IOException e) {
            return "unknown";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }
}
