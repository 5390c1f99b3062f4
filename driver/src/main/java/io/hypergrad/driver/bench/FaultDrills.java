package io.hypergrad.driver.bench;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.driver.checkpoint.CheckpointStore;
import io.hypergrad.driver.output.RunFolder;
import io.hypergrad.driver.round.RoundListener;
import io.hypergrad.driver.round.RoundLoop;
import io.hypergrad.driver.round.RunFailedException;
import io.hypergrad.driver.spark.SparkSetup;
import io.hypergrad.workers.episode.InjectedFault;
import io.hypergrad.workers.episode.PartitionFunction;
import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;

/**
 * Fault drills: each injects one fault into a real run and checks the promise — the run finishes with the
 * same λ fingerprint as an undisturbed run of the same config, and no completed round is lost. Used by
 * the reliability tests (one drill each) and by {@code bench faults} (many, with seeded random timing).
 */
public final class FaultDrills {
    private FaultDrills() {}

    /**
     * What one drill found.
     *
     * @param fault    the fault class, e.g. "executor kill -9"
     * @param survived whether the run finished with the reference fingerprint and nothing lost
     * @param detail   what happened (round of the kill, checkpoint used, message)
     */
    public record Outcome(String fault, boolean survived, String detail) {}

    /** A small, fast sinusoid config for drills (rounds take tens of milliseconds). */
    public static RunConfig drillConfig(int rounds) {
        return RunConfig.parse("""
                hypergrad {
                  problem = sinusoid
                  seed = 11
                  metaBatch = 4
                  estimator = "hyperdistill:0.9"
                  aggregator = replay
                  inner.steps = 8
                  model.width = 16
                  outer.optimizer = adam
                  outer.lr = 0.01
                  eval.every = 0
                  eval.testTasks = 0
                }
                """).with("hypergrad.rounds", String.valueOf(rounds));
    }

    /** Runs the config undisturbed in this JVM and returns its λ fingerprint. */
    public static String reference(RunConfig c, Path dir) {
        return (String) run(new SparkConf().setMaster("local[2]"), c, dir, false).get("lambdaSha256");
    }

    /** Runs the config to its end in this JVM on a Spark context from {@code conf}; returns the summary. */
    public static Map<String, Object> run(SparkConf conf, RunConfig c, Path dir, boolean resume) {
        return run(conf, c, dir, resume, -1);
    }

    /** As {@link #run(SparkConf, RunConfig, Path, boolean)}, stopping after {@code stopAfter} rounds (null summary) unless −1. */
    static Map<String, Object> run(SparkConf conf, RunConfig c, Path dir, boolean resume, int stopAfter) {
        SparkConf sc0 = SparkSetup.configure(conf.setIfMissing("spark.app.name", "hypergrad-drill").set("spark.ui.enabled", "false"));
        try (JavaSparkContext sc = new JavaSparkContext(sc0)) {
            return new RoundLoop(sc, c, new RunFolder(dir.toString(), sc.hadoopConfiguration()), RoundListener.NONE).run(resume, stopAfter);
        }
    }

    /** The checkpoints of the run folder {@code dir}, read as the run of {@code c}. */
    private static CheckpointStore checkpoints(Path dir, RunConfig c) {
        return new CheckpointStore(new RunFolder(dir.toString(), new org.apache.hadoop.conf.Configuration()), c);
    }

    /** Writes the config as a HOCON file beside the run folder, for a driver JVM to run. */
    private static Path writeConfig(RunConfig c, Path dir) throws IOException {
        Path conf = dir.resolveSibling(dir.getFileName() + ".conf");
        Files.writeString(conf, "hypergrad {\n" + c.resolvedHocon().replace("hypergrad.", "  ") + "}\n");
        return conf;
    }

    /** Resumes the run in a driver JVM to its end: null when it finished, else the tail of its output. */
    private static String resumeToEnd(Path conf, Path dir) throws IOException, InterruptedException {
        Process last = driver(conf, dir, true);
        String out = new String(last.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        return last.waitFor(300, TimeUnit.SECONDS) && last.exitValue() == 0 ? null : tail(out);
    }

    /** Whether the finished run's summary carries the reference fingerprint. */
    private static boolean endedWith(Path dir, String reference) throws IOException {
        return Files.readString(dir.resolve("summary.json")).contains("\"lambdaSha256\":\"" + reference + "\"");
    }

    /**
     * A completed round's line ("round 3/8 · valLoss …"), never a progress line of a job still running
     * ("round 3/8 · 4 episodes · …: 1/4", printed when a round runs long, as on a busy machine).
     */
    private static final java.util.regex.Pattern ROUND_LINE = java.util.regex.Pattern.compile("^round (\\d+)/\\d+ · valLoss ");
    /** λ and the losses must never be NaN/∞ (valAccuracy is NaN on regression problems by definition). */
    private static final java.util.regex.Pattern NON_FINITE_METRIC =
            java.util.regex.Pattern.compile("\"(lambdaNorm|hypergradNorm|trainLoss|valLoss)\":(NaN|-?Infinity)");

    /**
     * Kills one executor JVM with SIGKILL while it runs a task of round {@code killRound} (1-based), on a
     * standalone cluster; tasks are slowed by {@code taskDelayMillis} so the kill lands mid-task.
     *
     * @param base a SparkConf with the cluster's master, jars and resources set
     */
    public static Outcome executorKill(SparkConf base, RunConfig c, Path dir, String reference, int killRound, long taskDelayMillis) {
        AtomicLong killedPid = new AtomicLong(-1);
        AtomicInteger failedTasks = new AtomicInteger();
        AtomicInteger removed = new AtomicInteger();
        AtomicInteger roundsDone = new AtomicInteger();
        String[] appId = new String[1];
        SparkConf conf = SparkSetup.configure(base.clone().set(PartitionFunction.TASK_DELAY_MILLIS, String.valueOf(taskDelayMillis))
                .set("spark.ui.enabled", "false").setIfMissing("spark.app.name", "hypergrad-drill"));
        Map<String, Object> summary;
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            appId[0] = sc.sc().applicationId();
            sc.sc().addSparkListener(new SparkListener() {
                @Override
                public void onTaskStart(SparkListenerTaskStart e) {
                    if (roundsDone.get() == killRound - 1 && killedPid.get() < 0) {
                        killedPid.set(-2);
                        String executor = e.taskInfo().executorId();
                        Optional<Long> pid = executorPid(appId[0], executor);
                        pid.flatMap(ProcessHandle::of).ifPresent(ProcessHandle::destroyForcibly);
                        killedPid.set(pid.orElse(-3L));
                    }
                }

                @Override
                public void onTaskEnd(SparkListenerTaskEnd e) {
                    if (!e.taskInfo().successful()) {
                        failedTasks.incrementAndGet();
                    }
                }

                @Override
                public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
                    removed.incrementAndGet();
                }
            });
            RoundListener counting = new RoundListener() {
                @Override
                public void onRound(int round, int rounds, Map<String, Object> metrics, double eta) {
                    roundsDone.set(round);
                }
            };
            summary = new RoundLoop(sc, c, new RunFolder(dir.toString(), sc.hadoopConfiguration()), counting).run(false, -1);
        } catch (RunFailedException e) {
            return new Outcome("executor kill -9", false, "run failed: " + e.getMessage());
        }
        boolean same = reference.equals(summary.get("lambdaSha256"));
        boolean landed = killedPid.get() > 0 && failedTasks.get() > 0;
        return new Outcome("executor kill -9", same && landed, String.format(
                "killed executor pid %d in round %d: %d task(s) lost and re-run, %d executor(s) removed; fingerprint %s",
                killedPid.get(), killRound, failedTasks.get(), removed.get(), same ? "identical" : "DIFFERENT"));
    }

    /** The pid of this application's executor with the given id, from the process table. */
    static Optional<Long> executorPid(String appId, String executorId) {
        return ProcessHandle.allProcesses().filter(p -> {
            String line = p.info().commandLine().orElse("");
            return line.contains("CoarseGrainedExecutorBackend") && line.contains("--app-id " + appId)
                    && line.contains("--executor-id " + executorId + " ");
        }).map(ProcessHandle::pid).findFirst();
    }

    /**
     * Runs the config as a separate driver JVM ({@code hypergrad run}), kills it with SIGKILL at random
     * points {@code kills} times (after a random number of completed rounds plus a random delay, so some
     * kills land inside rounds and checkpoint writes), resuming with {@code --resume} each time, then lets
     * the last resume finish. After every kill the newest valid checkpoint must cover every round the
     * driver had reported complete.
     */
    public static Outcome driverKills(RunConfig c, Path dir, String reference, int kills, long seed) throws IOException, InterruptedException {
        Path conf = writeConfig(c, dir);
        SplittableRandom random = new SplittableRandom(seed);
        int rounds = c.get(RunConfig.ROUNDS);
        List<String> log = new ArrayList<>();
        for (int k = 0; k < kills; k++) {
            int after = random.nextInt(0, Math.max(1, rounds / kills));
            long delayMillis = random.nextLong(0, 400);
            Process p = driver(conf, dir, k > 0);
            int reported = -1;
            boolean killed = false;
            try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                int seen = 0;
                while ((line = out.readLine()) != null) {
                    java.util.regex.Matcher m = ROUND_LINE.matcher(line);
                    if (m.find()) {
                        reported = Integer.parseInt(m.group(1));
                        if (++seen > after) {
                            Thread.sleep(delayMillis);
                            p.destroyForcibly();
                            killed = true;
                            break;
                        }
                    }
                }
            }
            p.waitFor(60, TimeUnit.SECONDS);
            if (!killed) {
                log.add("kill " + (k + 1) + ": the run ended before the kill point");
                break;
            }
            int kept = checkpoints(dir, c).loadNewest().map(s -> s.round).orElse(0);
            // The killed driver's lock stays behind: the resume must find it stale by itself.
            String lock = Files.exists(dir.resolve(io.hypergrad.driver.output.RunLock.FILE)) ? "its lock left behind, " : "";
            log.add(String.format("kill %d after round %d (+%d ms): %sresumed from round %d", k + 1, reported, delayMillis, lock, kept));
            if (kept < reported) {
                return new Outcome("driver kill -9 (" + kills + " per run)", false, String.join("; ", log) + ": round " + reported + " was reported complete but lost");
            }
        }
        String failed = resumeToEnd(conf, dir);
        if (failed != null) {
            return new Outcome("driver kill -9 (" + kills + " per run)", false, String.join("; ", log) + "; the final resume failed: " + failed);
        }
        boolean same = endedWith(dir, reference);
        return new Outcome("driver kill -9 (" + kills + " per run)", same, String.join("; ", log) + "; fingerprint " + (same ? "identical" : "DIFFERENT"));
    }

    /**
     * Runs the config as a separate driver JVM that halts (as if killed) half-way through writing the
     * checkpoint after {@code round} rounds, leaving a torn file under the final name; the resume must skip
     * it, re-run that round from the previous checkpoint, and finish with the reference fingerprint.
     */
    public static Outcome driverHaltInCheckpointWrite(RunConfig c, Path dir, String reference, int round) throws IOException, InterruptedException {
        Path conf = writeConfig(c, dir);
        Process p = driver(conf, dir, false, "-D" + CheckpointStore.HALT_IN_WRITE + "=" + round);
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 137) {
            return new Outcome("driver kill in checkpoint write", false, "the driver did not halt in the write (exit " + p.exitValue() + ")");
        }
        CheckpointStore store = checkpoints(dir, c);
        int from = store.loadNewest().map(s -> s.round).orElse(0);
        String reported = store.rejected().isEmpty() ? "nothing reported" : store.rejected().get(0);
        String failed = resumeToEnd(conf, dir);
        if (failed != null) {
            return new Outcome("driver kill in checkpoint write", false, "the resume failed: " + failed);
        }
        boolean same = endedWith(dir, reference);
        return new Outcome("driver kill in checkpoint write", same && from == round - 1 && !store.rejected().isEmpty(),
                String.format("halted writing round %d's checkpoint; resumed from round %d (%s); fingerprint %s", round, from, reported,
                        same ? "identical" : "DIFFERENT"));
    }

    /** {@code java … Main run CONF --out DIR [--resume] --master local[2]} with this JVM's flags and classpath, stderr into stdout. */
    static Process driver(Path conf, Path dir, boolean resume, String... jvmFlags) throws IOException {
        return new ProcessBuilder(driverCommand(conf, dir, resume, jvmFlags)).redirectErrorStream(true).directory(new File(".")).start();
    }

    private static List<String> driverCommand(Path conf, Path dir, boolean resume, String... jvmFlags) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(List.of(jvmFlags));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--add-opens") || a.startsWith("--add-exports") || a.startsWith("-Dlog4j")) {
                cmd.add(a);
            }
        }
        cmd.addAll(List.of("-Xmx1g", "-cp", System.getProperty("java.class.path"), "io.hypergrad.driver.cli.Main", "run", conf.toString(),
                "--out", dir.toString(), "--master", "local[2]"));
        if (resume) {
            cmd.add("--resume");
        }
        return cmd;
    }

    /** The one line a stopped run prints on stderr. */
    private static final java.util.regex.Pattern STOP_LINE = java.util.regex.Pattern.compile(
            "^hypergrad: stopped by (SIGTERM|SIGINT) during round (\\d+); nothing lost; resume with: deploy/bin/hypergrad run \\S+ --out \\S+ .*--resume$");
    /** A line of a Java stack trace, or an exception's header line. */
    private static final java.util.regex.Pattern STACK_TRACE = java.util.regex.Pattern.compile(
            "(^\\s+at \\S+\\(.*\\)$)|(^Caused by: )|(^\\S+(Exception|Error)(: .*)?$)|(^Exception in thread )", java.util.regex.Pattern.MULTILINE);

    /**
     * Runs the config as a driver JVM, sends it {@code signal} ({@code TERM} or {@code INT}) after
     * {@code afterRounds} reported rounds plus {@code delayMillis}, and checks the graceful stop: exit
     * {@link io.hypergrad.driver.cli.ExitCode#STOPPED}, one {@code hypergrad: stopped by SIG… during round R;
     * nothing lost; resume with: …} line on stderr and no stack trace, a checkpoint covering every round
     * reported complete; then {@code --resume} must finish with the reference fingerprint.
     */
    public static Outcome signalStop(RunConfig c, Path dir, String reference, String signal, int afterRounds, long delayMillis)
            throws IOException, InterruptedException {
        String label = "SIG" + signal + " stop and resume";
        Path conf = writeConfig(c, dir);
        List<String> cmd = new ArrayList<>();
        // A parent started in the background may ignore SIGINT, and its children inherit that: restore the default.
        cmd.addAll(List.of("env", "--default-signal=INT,TERM"));
        // Tasks slowed to 300 ms: the signal lands inside a round's job, which the stop must abandon.
        cmd.addAll(driverCommand(conf, dir, false, "-D" + PartitionFunction.TASK_DELAY_MILLIS + "=300"));
        Path stderr = dir.resolveSibling(dir.getFileName() + ".stderr");
        Process p = new ProcessBuilder(cmd).redirectError(stderr.toFile()).directory(new File(".")).start();
        int reported = -1;
        boolean sent = false;
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                java.util.regex.Matcher m = ROUND_LINE.matcher(line);
                if (m.find()) {
                    reported = Integer.parseInt(m.group(1));
                    if (!sent && reported >= afterRounds) {
                        Thread.sleep(delayMillis);
                        new ProcessBuilder("kill", "-" + signal, String.valueOf(p.pid())).start().waitFor(10, TimeUnit.SECONDS);
                        sent = true;
                    }
                }
            }
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            return new Outcome(label, false, "the driver did not end within 120 s of SIG" + signal);
        }
        String err = Files.readString(stderr);
        List<String> hypergradLines = err.lines().filter(l -> l.startsWith("hypergrad: ")).toList();
        java.util.regex.Matcher stop = hypergradLines.size() == 1 ? STOP_LINE.matcher(hypergradLines.get(0)) : null;
        java.util.regex.Matcher trace = STACK_TRACE.matcher(err);
        if (p.exitValue() != io.hypergrad.driver.cli.ExitCode.STOPPED || stop == null || !stop.find() || !stop.group(1).equals("SIG" + signal)
                || trace.find()) {
            return new Outcome(label, false, "after round " + reported + ": exit " + p.exitValue() + ", stderr: " + tail(err));
        }
        int kept = checkpoints(dir, c).loadNewest().map(s -> s.round).orElse(0);
        if (kept < reported) {
            return new Outcome(label, false, "round " + reported + " was reported complete but the newest checkpoint is round " + kept);
        }
        String failed = resumeToEnd(conf, dir);
        if (failed != null) {
            return new Outcome(label, false, "stopped in round " + stop.group(2) + "; the resume failed: " + failed);
        }
        boolean same = endedWith(dir, reference);
        return new Outcome(label, same, String.format("SIG%s after round %d (+%d ms): exit 5, \"stopped … during round %s\", no stack trace; "
                + "checkpoint of round %d kept; resumed: fingerprint %s", signal, reported, delayMillis, stop.group(2), kept, same ? "identical" : "DIFFERENT"));
    }

    /**
     * Starts a run as a driver JVM and, once it has reported its first round, a second writer into the same
     * folder (a fresh run, or with {@code --resume}: a restart while the first still runs). The second must be
     * refused with exit 2 naming the first (its pid) before writing anything; the first must finish with the
     * reference fingerprint and one metrics line per round.
     */
    public static Outcome concurrentWriter(RunConfig c, Path dir, String reference, boolean secondResumes) throws IOException, InterruptedException {
        String label = "second writer into a running folder";
        Path conf = writeConfig(c, dir);
        // The first run's tasks are slowed (2 s: a round takes 4 s or more) so that it is still running when the
        // second JVM has started, even on a busy machine; whether it was is checked, not assumed.
        Process first = driver(conf, dir, false, "-D" + PartitionFunction.TASK_DELAY_MILLIS + "=2000");
        boolean overlapped = false;
        String refusal = null;
        int secondExit = -1;
        StringBuilder firstOut = new StringBuilder();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(first.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                firstOut.append(line).append('\n');
                if (refusal == null && ROUND_LINE.matcher(line).find()) {
                    Process second = driver(conf, dir, secondResumes);
                    refusal = new String(second.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
                    second.waitFor(120, TimeUnit.SECONDS);
                    secondExit = second.exitValue();
                    overlapped = first.isAlive();
                }
            }
        }
        first.waitFor(300, TimeUnit.SECONDS);
        String what = secondResumes ? "a --resume" : "a fresh run";
        if (refusal == null) {
            return new Outcome(label, false, "the first run reported no round: " + tail(firstOut.toString()));
        }
        boolean refused = secondExit == io.hypergrad.driver.cli.ExitCode.USAGE && refusal.startsWith("hypergrad: --out ")
                && refusal.contains("in use by another run (host ") && refusal.contains("pid " + first.pid() + ", since ")
                && refusal.lines().count() == 1;
        if (first.exitValue() != 0) {
            return new Outcome(label, false, "the first run failed (exit " + first.exitValue() + "): " + tail(firstOut.toString()));
        }
        if (!overlapped) {
            return new Outcome(label, false, "inconclusive: the first run had ended before the second writer was done (exit "
                    + secondExit + "); the machine is too slow for this drill's timing");
        }
        int lines = Files.readString(dir.resolve("metrics.jsonl")).strip().split("\n").length;
        boolean same = endedWith(dir, reference);
        boolean whole = lines == c.get(RunConfig.ROUNDS);
        return new Outcome(label, refused && same && whole, String.format("%s started during round 2: exit %d, \"%s\"; the first run: "
                + "%d metrics lines for %d rounds, fingerprint %s", what, secondExit, refusal, lines, c.get(RunConfig.ROUNDS), same ? "identical" : "DIFFERENT"));
    }

    private static String tail(String s) {
        return s.length() <= 600 ? s : s.substring(s.length() - 600);
    }

    /**
     * Stops a run after {@code stopAfter} rounds, damages its newest checkpoint ({@code truncate},
     * {@code flip}, {@code delete}, or {@code foreign}: replaced by one written under another seed), resumes
     * and finishes it: the damage must be reported and the previous checkpoint used.
     */
    public static Outcome checkpointDamage(RunConfig c, Path dir, String reference, String kind, int stopAfter, long seed) throws IOException {
        run(new SparkConf().setMaster("local[2]"), c, dir, false, stopAfter);
        Path newest = dir.resolve("checkpoints").resolve(CheckpointStore.name(stopAfter));
        Path crc = newest.resolveSibling("." + newest.getFileName() + ".crc");
        SplittableRandom random = new SplittableRandom(seed);
        byte[] b = Files.readAllBytes(newest);
        switch (kind) {
            case "truncate" -> Files.write(newest, java.util.Arrays.copyOf(b, random.nextInt(0, b.length)));
            case "flip" -> {
                int i = random.nextInt(0, b.length);
                b[i] ^= (byte) (1 << random.nextInt(0, 8));
                Files.write(newest, b);
            }
            case "delete" -> Files.delete(newest);
            case "foreign" -> {
                Path otherDir = dir.resolveSibling(dir.getFileName() + "-other");
                io.hypergrad.driver.checkpoint.DriverState s = checkpoints(dir, c)
                        .loadNewest().orElseThrow();
                checkpoints(otherDir, c.with("hypergrad.seed", "12345")).save(s);
                Files.copy(otherDir.resolve("checkpoints").resolve(CheckpointStore.name(stopAfter)), newest,
                        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            default -> throw new IllegalArgumentException("unknown damage " + kind);
        }
        // The local file system's .crc sidecar would catch the damage first; drop it, as on a store without one.
        Files.deleteIfExists(crc);
        CheckpointStore store = checkpoints(dir, c);
        int from = store.loadNewest().map(s -> s.round).orElse(0);
        String reported = store.rejected().isEmpty() ? "nothing reported" : store.rejected().get(0);
        Map<String, Object> done = run(new SparkConf().setMaster("local[2]"), c, dir, true);
        boolean same = reference.equals(done.get("lambdaSha256"));
        boolean detected = kind.equals("delete") ? from == stopAfter - 1 : from == stopAfter - 1 && !store.rejected().isEmpty();
        return new Outcome("checkpoint " + kind, same && detected, String.format("resumed from round %d (%s); fingerprint %s",
                from, reported, same ? "identical" : "DIFFERENT"));
    }

    /**
     * Injects a numerical fault ({@code loss|gradient|hvp|hypergradient|explode}) at one task and step
     * under policy {@code fail}: the run must stop naming round, task and step, and a resume without the
     * fault must reach the undisturbed fingerprint. Under {@code skip-task} or {@code clip} the run must
     * finish with a finite λ, count the fault, and give the same fingerprint with one or two executor
     * threads.
     */
    public static Outcome numeric(RunConfig c, Path dir, String reference, String kind, String policy, int round, int task, int step) {
        String spec = (round - 1) + ":" + task + ":" + step + ":" + kind;
        RunConfig cp = c.with("hypergrad.nonFinite", "\"" + policy + "\"");
        String expected = "round " + round + ": task " + task + ", step " + step + ": ";
        String label = (kind.equals("explode") ? "exploding loss" : "NaN/Inf " + kind) + " (" + policy + ")";
        if (policy.equals("fail")) {
            try {
                run(new SparkConf().setMaster("local[2]").set(InjectedFault.CONF_KEY, spec), cp, dir, false);
                return new Outcome(label, false, "the run did not fail");
            } catch (RunFailedException e) {
                if (!e.getMessage().startsWith(expected)) {
                    return new Outcome(label, false, "message does not name the fault: " + e.getMessage());
                }
                Map<String, Object> resumed = run(new SparkConf().setMaster("local[2]"), cp, dir, true);
                boolean same = reference.equals(resumed.get("lambdaSha256"));
                return new Outcome(label, same, "failed with \"" + e.getMessage().substring(0, e.getMessage().indexOf(" (hypergrad"))
                        + "\"; resumed: fingerprint " + (same ? "identical" : "DIFFERENT"));
            }
        }
        Map<String, Object> a = run(new SparkConf().setMaster("local[2]").set(InjectedFault.CONF_KEY, spec), cp, dir, false);
        Map<String, Object> b = run(new SparkConf().setMaster("local[1]").set(InjectedFault.CONF_KEY, spec), cp,
                dir.resolveSibling(dir.getFileName() + "-1"), false);
        String metrics = new RunFolder(dir.toString(), new org.apache.hadoop.conf.Configuration()).readText("metrics.jsonl");
        boolean counted = metrics.contains("\"faultedTasks\":1") && metrics.contains("task " + task + ", step " + step + ": ");
        boolean finite = !NON_FINITE_METRIC.matcher(metrics).find();
        boolean same = a.get("lambdaSha256").equals(b.get("lambdaSha256"));
        return new Outcome(label, counted && finite && same,
                String.format("counted in metrics.jsonl: %s; λ finite: %s; same fingerprint on 1 and 2 threads: %s", counted, finite, same));
    }
}
