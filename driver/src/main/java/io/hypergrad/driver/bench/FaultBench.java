package io.hypergrad.driver.bench;

import io.hypergrad.common.config.RunConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.SparkConf;

/**
 * {@code bench faults}: many {@link FaultDrills} of every class — executor kills on a loopback standalone
 * cluster, driver kills at seeded random points, damaged checkpoints, NaN/Inf and exploding losses under
 * each policy — plus the bad-input corpus; prints each outcome and writes the table to
 * {@code docs/RELIABILITY.md}. Every figure in the table is counted here, never typed in.
 */
public final class FaultBench {
    private FaultBench() {}

    /**
     * Runs the drills.
     *
     * @param home       the project folder (for the cluster script and the docs)
     * @param injections executor kills and damaged checkpoints of each kind; driver kills: 2 × this many in
     *                   all, a quarter of them inside a checkpoint write and the rest at random points, three per run
     * @param numeric    drills per numerical fault class and policy
     * @param work       a scratch folder for run folders
     * @param doc        where to write the Markdown table (null: print only)
     */
    public static List<FaultDrills.Outcome> run(Path home, int injections, int numeric, Path work, Path doc, PrintStream out) throws Exception {
        RunConfig c = FaultDrills.drillConfig(8);
        Files.createDirectories(work);
        String reference = FaultDrills.reference(c, work.resolve("reference"));
        out.println("reference fingerprint (undisturbed, local[2]): " + reference);
        int inWrite = Math.max(1, injections / 2);
        int randomRuns = Math.max(1, (2 * injections - inWrite) / KILLS_PER_RUN);
        // The table is rewritten after every drill, marked partial until the end: a pass cut short still
        // leaves an honest record of the drills it finished.
        Pass pass = new Pass(doc, out, injections, numeric, randomRuns * KILLS_PER_RUN, inWrite);
        for (String signal : List.of("TERM", "INT")) {
            for (int i = 0; i < SIGNALS; i++) {
                pass.report(FaultDrills.signalStop(c, work.resolve("sig" + signal + "-" + i), reference, signal, 1 + 3 * i, 150L * i));
            }
        }
        pass.report(FaultDrills.concurrentWriter(c, work.resolve("second-fresh"), reference, false));
        pass.report(FaultDrills.concurrentWriter(c, work.resolve("second-resume"), reference, true));
        for (int i = 0; i < randomRuns; i++) {
            pass.report(FaultDrills.driverKills(c, work.resolve("driver-" + i), reference, KILLS_PER_RUN, 100 + i));
        }
        for (int i = 0; i < inWrite; i++) {
            pass.report(FaultDrills.driverHaltInCheckpointWrite(c, work.resolve("halt-" + i), reference, 2 + i % 6));
        }
        for (String kind : List.of("truncate", "flip", "delete", "foreign")) {
            for (int i = 0; i < injections; i++) {
                pass.report(FaultDrills.checkpointDamage(c, work.resolve("ckpt-" + kind + "-" + i), reference, kind, 3 + i % 4, 200 + i));
            }
        }
        pass.load = LoadBench.run(LOAD_RUNS, LOAD_PARALLEL, 8, "local[2]", work.resolve("load"), out);
        if (!pass.load.held()) {
            pass.all.add(new FaultDrills.Outcome("load", false, String.join("; ", pass.load.mismatches())));
        }
        pass.write();
        Path clusterHome = work.resolve("cluster");
        try {
            String master = startCluster(home, clusterHome);
            out.println("standalone cluster: " + master);
            for (int i = 0; i < injections; i++) {
                pass.report(FaultDrills.executorKill(clusterConf(master).setAppName("drill-" + i), c, work.resolve("exec-" + i),
                        reference, 2 + i % 6, 1500));
            }
        } finally {
            stopCluster(home, clusterHome);
        }
        int n = 0;
        for (String kind : List.of("loss", "gradient", "hvp", "hypergradient", "explode")) {
            for (String policy : List.of("fail", "skip-task", "clip")) {
                for (int i = 0; i < numeric; i++) {
                    n++;
                    pass.report(FaultDrills.numeric(c, work.resolve("num-" + n), reference, kind, policy, 2 + i % 6, n % 4, 2 + i % 6));
                }
            }
        }
        pass.corpus = BadInputCorpus.run();
        out.printf(Locale.ROOT, "bad-input corpus: %d/%d cases refused with the right exit code and message, nothing left behind%n",
                pass.corpus.passed(), pass.corpus.total());
        for (String f : pass.corpus.failures()) {
            out.println("  FAILED " + f);
            pass.all.add(new FaultDrills.Outcome("bad input", false, f));
        }
        pass.finished = true;
        pass.write();
        return pass.all;
    }

    /** The drills of one pass so far, and its table. */
    private static final class Pass {
        final Path doc;
        final PrintStream out;
        final int injections;
        final int numeric;
        final int randomKills;
        final int inWrite;
        final List<FaultDrills.Outcome> all = new ArrayList<>();
        LoadBench.Result load;
        BadInputCorpus.Result corpus;
        boolean finished;

        Pass(Path doc, PrintStream out, int injections, int numeric, int randomKills, int inWrite) {
            this.doc = doc;
            this.out = out;
            this.injections = injections;
            this.numeric = numeric;
            this.randomKills = randomKills;
            this.inWrite = inWrite;
        }

        void report(FaultDrills.Outcome o) throws IOException {
            all.add(o);
            out.printf(Locale.ROOT, "%-36s %s  %s%n", o.fault(), o.survived() ? "survived" : "LOST    ", o.detail());
            write();
        }

        void write() throws IOException {
            if (doc != null) {
                writeTable(doc, table(all), injections, numeric, randomKills, inWrite, load, corpus, finished);
            }
        }
    }

    /** Driver kills per random-kill drill. */
    private static final int KILLS_PER_RUN = 3;
    /** Stops per signal (SIGTERM, SIGINT). */
    private static final int SIGNALS = 2;
    /** The load run: a sweep of this many runs, this many at a time, in one application on local[2]. */
    private static final int LOAD_RUNS = 16;
    private static final int LOAD_PARALLEL = 8;

    /** Fault class → {injections, survived}. */
    static Map<String, int[]> table(List<FaultDrills.Outcome> all) {
        Map<String, int[]> t = new LinkedHashMap<>();
        for (FaultDrills.Outcome o : all) {
            int[] row = t.computeIfAbsent(o.fault(), k -> new int[2]);
            row[0]++;
            if (o.survived()) {
                row[1]++;
            }
        }
        return t;
    }

    static void writeTable(Path doc, Map<String, int[]> t, int injections, int numeric, int randomKills, int inWrite,
                           LoadBench.Result load, BadInputCorpus.Result corpus, boolean finished) throws IOException {
        StringBuilder sb = new StringBuilder();
        sb.append("# Reliability, measured\n\n## Faults\n\n");
        if (!finished) {
            sb.append(String.format(Locale.ROOT, "**Partial.** The pass below had not finished when this file was last written (it is "
                    + "rewritten after every drill): each row counts the drills finished so far, and a class without a row was not "
                    + "reached. A whole pass runs, in this order: 2 SIGTERM and 2 SIGINT stops, 2 second writers, %d driver kills at "
                    + "random points and %d inside a checkpoint write, %d damaged checkpoints of each kind, the load sweep, %d executor "
                    + "kills, %d drills of each numerical fault and policy, and the bad-input corpus.%n%n",
                    randomKills, inWrite, injections, injections, numeric));
        }
        sb.append("Written by `deploy/bin/hypergrad bench faults --injections ").append(injections).append(" --numeric ").append(numeric)
                .append("` on ")
                .append(LocalDate.now()).append(" — every count below is what that run observed. Each drill injects one fault ")
                .append("into a real run of a small sinusoid config (8 rounds, 4 tasks, HyperDistill with θ refits) and ")
                .append("checks it against an undisturbed run of the same config: **survived** means the run finished with ")
                .append("a bit-identical `lambdaSha256` and no completed round lost (for `skip-task` and `clip`, whose λ ")
                .append("differs from the undisturbed run's by design: the fault was counted in `metrics.jsonl`, λ stayed ")
                .append("finite and the fingerprint was identical on one and two executor threads).\n\n");
        t.remove("bad input");
        t.remove("load");
        sb.append("| fault class | injections | survived, nothing lost |\n|---|---|---|\n");
        for (Map.Entry<String, int[]> e : t.entrySet()) {
            sb.append("| ").append(e.getKey()).append(" | ").append(e.getValue()[0]).append(" | ").append(e.getValue()[1]).append(" |\n");
        }
        sb.append(String.format(Locale.ROOT, "%nDriver kills in all: %d at random points (%d per run) and %d inside a checkpoint write.%n",
                randomKills, KILLS_PER_RUN, inWrite));
        if (load == null) {
            sb.append("\n## Load\n\nNot reached in this pass.\n");
        } else {
            sb.append(String.format(Locale.ROOT, """

                ## Load

                A sweep of %d runs of the drill config (seeds 1–%d) in one Spark application on `%s`, first one run at a time,
                then %d at a time, each in its own FAIR pool (`LoadBench`, after a warm-up run outside both timings):

                | runs | at a time | wall time | complete | fingerprint equal to the run alone |
                |---|---|---|---|---|
                | %d | 1 | %.1f s | %d | — |
                | %d | %d | %.1f s | %d | %d |

                """, load.runs(), load.runs(), load.master(), load.parallel(), load.runs(), load.sequentialSeconds(), load.completed(),
                load.runs(), load.parallel(), load.concurrentSeconds(), load.completed(), load.identical()));
            sb.append(String.format(Locale.ROOT, "Throughput %.2f× that of one run at a time (one measurement, on 2 cores shared with other work).%n",
                    load.sequentialSeconds() / load.concurrentSeconds()));
        }
        sb.append("\n## Bad input\n\nThe corpus in `driver/src/main/resources/bad-input/` (`cases.tsv`; also run by `BadInputCorpusTest`): ")
                .append("each case must exit with its documented code, print one `hypergrad: …` line naming the key, field or file, ")
                .append("print no stack trace, and leave no new file behind.\n\n");
        if (corpus == null) {
            sb.append("Not reached in this pass.\n");
        } else {
            sb.append("| kind | cases | right exit code and message, nothing left |\n|---|---|---|\n");
            for (Map.Entry<String, int[]> e : corpus.byKind().entrySet()) {
                sb.append("| ").append(e.getKey()).append(" | ").append(e.getValue()[0]).append(" | ").append(e.getValue()[1]).append(" |\n");
            }
            sb.append("| **all** | ").append(corpus.total()).append(" | ").append(corpus.passed()).append(" |\n");
        }
        sb.append("""

                ## How each fault is injected
                - **executor kill -9**: a loopback standalone cluster (master and two workers, separate JVMs); when a task of
                  the chosen round starts, the JVM of the executor running it is sent SIGKILL (tasks are slowed to 1.5 s so
                  the kill lands inside a task). Spark re-runs the lost tasks on the survivor and a relaunched executor.
                - **driver kill -9**: `hypergrad run` as a separate JVM, sent SIGKILL three times per drill at seeded random
                  points (after a random number of reported rounds plus 0–400 ms: inside a round or between rounds, by
                  chance also inside a checkpoint write — the next drill makes that case certain), each time resumed with
                  `--resume`; after every kill the newest valid checkpoint must cover every round the driver had reported
                  complete.
                - **driver kill in checkpoint write**: a test hook halts the driver JVM (no shutdown hooks) after writing
                  half of a chosen round's checkpoint under its final name — the worst case, a store without atomic
                  renames; the resume must reject the torn file, re-run that round and finish identically.
                - **checkpoint truncate / flip / delete / foreign**: the newest checkpoint of a stopped run is cut at a
                  random length, has a random bit flipped, is deleted, or is replaced by a valid checkpoint of another
                  config (another seed); the resume must report it, use the previous one and finish identically.
                - **SIGTERM / SIGINT stop and resume**: `hypergrad run` as a separate JVM (tasks slowed to 300 ms, so the
                  signal lands inside a round's job) is sent the signal after a chosen round; it must exit 5 with the one line
                  `hypergrad: stopped by SIG… during round R; nothing lost; resume with: …` and no stack trace on stderr, keep
                  a checkpoint of every round it reported complete, and `--resume` must finish identically.
                - **second writer into a running folder**: while a run is in its second round, another `hypergrad run` into
                  the same folder — a fresh one, and one with `--resume` — must be refused at once (exit 2, naming the
                  holder's host, pid and start) without writing anything; the first finishes identically with one metrics
                  line per round. A lock left by a killed driver is recognised as stale (its pid has ended on this host), so
                  the driver-kill drills resume with no manual step.
                - **NaN/Inf loss / gradient / hvp / hypergradient, exploding loss**: a test hook poisons that value (or
                  multiplies the loss by 10¹², a diverging inner loop) at one task and inner step ≥ 2 (divergence is judged
                  against a window's first loss); under `fail` the run must stop naming round, task and step and a resume
                  without the fault must reach the undisturbed fingerprint.
                """);
        sb.append("""

                ## Security
                - Kryo runs with `spark.kryo.registrationRequired=true` by default: every class that crosses the wire is
                  registered (`HypergradKryoRegistrator`), and an unregistered one fails loudly.
                - No Java deserialisation of data a user can supply: checkpoints use an explicit, versioned, checksummed
                  format (`CheckpointCodec`; a crafted file with a valid checksum but absurd lengths is refused without
                  allocating — `CheckpointCodecTest`); configs are HOCON, specs JSON, datasets IDX/NDJSON/CSV.
                - Paths (configs, `--out`, `hypergrad.data.dir`) are opened through Hadoop's FileSystem; nothing is passed to a
                  shell.
                - hypergrad opens no network listener of its own; the only ones are Spark's (driver RPC, block manager, the
                  UI when enabled), and the loopback cluster binds 127.0.0.1.
                - Credentials embedded in URIs (`s3a://KEY:SECRET@bucket`) and secret-looking query values are redacted
                  from `config.conf`, `config` output and every error line (`Redaction`, `RedactionTest`); keep
                  credentials in the Hadoop/Spark configuration or the environment, which hypergrad never records.
                """);
        Path tmp = doc.resolveSibling("." + doc.getFileName() + ".tmp");
        Files.writeString(tmp, sb.toString(), StandardCharsets.UTF_8);
        Files.move(tmp, doc, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** A free loopback port. */
    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    /** Starts the loopback cluster with {@code deploy/cluster/standalone.sh}; returns its master URL. */
    static String startCluster(Path home, Path clusterHome) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("bash", home.resolve("deploy/cluster/standalone.sh").toString(), "start", "--home",
                clusterHome.toString(), "--port", String.valueOf(freePort()), "--workers", "2", "--cores", "1")
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        if (!p.waitFor(180, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("the standalone cluster did not start:\n" + out);
        }
        return out.substring(out.lastIndexOf('\n') + 1);
    }

    static void stopCluster(Path home, Path clusterHome) throws IOException, InterruptedException {
        new ProcessBuilder("bash", home.resolve("deploy/cluster/standalone.sh").toString(), "stop", "--home", clusterHome.toString())
                .redirectErrorStream(true).start().waitFor(60, TimeUnit.SECONDS);
    }

    /** A SparkConf for the loopback cluster at {@code master}. */
    static SparkConf clusterConf(String master) {
        return new SparkConf().setMaster(master).set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")
                .set("spark.executor.memory", "512m").set("spark.cores.max", "2");
    }
}
