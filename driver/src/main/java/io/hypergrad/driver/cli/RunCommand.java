package io.hypergrad.driver.cli;

import com.typesafe.config.Config;
import io.hypergrad.common.config.ConfigException;
import io.hypergrad.common.config.RunConfig;
import io.hypergrad.driver.data.TablePreparation;
import io.hypergrad.driver.output.RunFolder;
import io.hypergrad.driver.output.RunLock;
import io.hypergrad.driver.round.RoundLoop;
import io.hypergrad.driver.round.RunStoppedException;
import io.hypergrad.driver.round.SafeStop;
import io.hypergrad.driver.spark.SparkSetup;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code run CONFIG}: one job from a config file, on the embedded local[*] Spark or a given master. */
@Command(name = "run", mixinStandardHelpOptions = true, description = "Run a job from a HOCON config file.")
class RunCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "CONFIG", description = "the job's config file (HOCON): a local path or any Hadoop URI; '-' for defaults only")
    String config;

    @Option(names = "--master", description = "Spark master; default: as spark-submit set it, else local[*]")
    String master;

    @Option(names = "--out", description = "run folder (any Hadoop path); default runs/<problem>-<time>")
    String out;

    @Option(names = "--rounds", description = "override hypergrad.rounds")
    Integer rounds;

    @Option(names = "--set", paramLabel = "KEY=VALUE", description = "override a config key (repeatable)")
    List<String> sets = new ArrayList<>();

    @Option(names = "--resume", description = "continue from the newest valid checkpoint in the run folder")
    boolean resume;

    @Option(names = "--debug", description = "print stack traces of errors")
    boolean debug;

    /** The config file plus overrides, validated. */
    RunConfig resolve() {
        RunConfig c;
        if (config.equals("-")) {
            c = RunConfig.defaults();
        } else {
            Config raw = ConfigLocation.parse(config, SparkSetup.hadoopConfiguration(new SparkConf()));
            try {
                c = RunConfig.of(raw);
            } catch (com.typesafe.config.ConfigException e) {
                throw new ConfigException(config + ": " + e.getMessage());
            } catch (ConfigException e) {
                throw new ConfigException(config + ": " + e.getMessage());
            }
        }
        for (String s : sets) {
            int eq = s.indexOf('=');
            if (eq <= 0) {
                throw new ConfigException("--set " + s + ": expected KEY=VALUE");
            }
            String key = s.substring(0, eq).trim();
            c = c.with(key.startsWith("hypergrad.") ? key : "hypergrad." + key, s.substring(eq + 1).trim());
        }
        if (rounds != null) {
            c = c.with("hypergrad.rounds", String.valueOf(rounds));
        }
        return c;
    }

    @Override
    public Integer call() {
        RunConfig c = resolve();
        String dir = out != null ? out : "runs/" + c.get(RunConfig.PROBLEM) + "-"
                + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"));
        SparkConf conf = new SparkConf();
        if (master != null) {
            conf.setMaster(master);
        }
        // FAIR lets the initial λ's meta-test run alongside training in its own pool (RoundLoop).
        SparkSetup.configure(conf.setIfMissing("spark.app.name", "hypergrad " + c.get(RunConfig.PROBLEM))
                .setIfMissing("spark.scheduler.mode", "FAIR"));
        // Data and contradictory settings are refused here, before Spark starts or the run folder exists.
        RoundLoop.preflight(c, conf);
        requireFolderPath(dir);
        boolean folderExisted = folderExists(dir);
        // One writer per run folder: a second one is refused here, before Spark starts or anything is written.
        Map<String, Object> summary;
        RunFolder folder;
        SafeStop stop = new SafeStop("hypergrad-run");
        try (RunLock lock = RunLock.acquire(dir, SparkSetup.hadoopConfiguration(conf), c.get(RunConfig.LOCK_LEASE));
             SignalStop signals = SignalStop.install(stop::request)) {
            // Starting Spark takes seconds (longer on a busy machine): say so — but only once the input passed its
            // checks, so that refused input leaves stdout empty (the bad-input corpus holds the CLI to that).
            // (A table is read once Spark runs; its checks come after, so it is announced by the banner below.)
            if (!TablePreparation.needed(c)) {
                System.out.println("hypergrad: " + c.get(RunConfig.PROBLEM) + ": data loaded and checked; starting Spark…");
                System.out.flush();
            }
            try (JavaSparkContext sc = new JavaSparkContext(conf)) {
                c = prepareTable(sc, c, conf, dir, resume, folderExisted);
                System.out.printf("hypergrad: %s · estimator %s · aggregator %s · %d rounds × %d tasks · master %s%n",
                        c.get(RunConfig.PROBLEM), c.get(RunConfig.ESTIMATOR), c.get(RunConfig.AGGREGATOR), c.get(RunConfig.ROUNDS),
                        c.get(RunConfig.META_BATCH), conf.get("spark.master"));
                folder = new RunFolder(dir, sc.hadoopConfiguration());
                System.out.println("hypergrad: outputs in " + io.hypergrad.common.config.Redaction.text(folder.pathOf("")));
                summary = stop.run(sc, c, folder, lock, new Progress(System.out), resume);
            }
        } catch (RunStoppedException e) {
            throw e.resumeWith(resumeCommand(dir));
        }
        printSummary(summary, folder);
        System.out.println("hypergrad: drawing the report's plots…");
        System.out.println("hypergrad: report: " + io.hypergrad.driver.report.ReportWriter.write(folder));
        return ExitCode.OK;
    }

    /**
     * A table run's table, read and cached into the run folder before the run starts, then the checks that
     * need its sizes: a failure leaves nothing behind (a run folder this run created is removed again).
     *
     * @param existed whether the run folder existed before this run (its lock) created it
     */
    static RunConfig prepareTable(JavaSparkContext sc, RunConfig c, SparkConf conf, String dir, boolean resume, boolean existed) {
        if (!TablePreparation.needed(c)) {
            return c;
        }
        org.apache.hadoop.fs.Path root = new org.apache.hadoop.fs.Path(dir);
        try {
            RunConfig prepared = TablePreparation.prepare(SparkSession.builder().sparkContext(sc.sc()).getOrCreate(), c, dir, resume);
            RoundLoop.preflight(prepared, conf);
            return prepared;
        } catch (RuntimeException e) {
            if (!existed) {
                try {
                    root.getFileSystem(sc.hadoopConfiguration()).delete(root, true);
                } catch (java.io.IOException ignored) {
                    // The error being reported matters more than the leftover folder.
                }
            }
            throw e;
        }
    }

    /** Whether the run folder exists already (an unreachable file system counts as yes: nothing is removed then). */
    private static boolean folderExists(String dir) {
        try {
            org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(dir);
            return p.getFileSystem(new org.apache.hadoop.conf.Configuration()).exists(p);
        } catch (java.io.IOException e) {
            return true;
        }
    }

    /** The command line that resumes this run: the same config, folder and overrides, with {@code --resume}. */
    private String resumeCommand(String dir) {
        StringBuilder sb = new StringBuilder("deploy/bin/hypergrad run ").append(config).append(" --out ").append(dir);
        if (master != null) {
            sb.append(" --master ").append(master);
        }
        if (rounds != null) {
            sb.append(" --rounds ").append(rounds);
        }
        for (String s : sets) {
            sb.append(" --set '").append(s).append('\'');
        }
        return io.hypergrad.common.config.Redaction.text(sb.append(" --resume").toString());
    }

    /**
     * Refuses a run folder path that cannot be one, naming why (Hadoop would only fail after Spark started):
     * empty, an unknown file system, an existing file, a path under a file, or a folder this user cannot
     * write in. An unreachable file system is reported when the lock is taken.
     */
    static void requireFolderPath(String dir) {
        if (dir.isBlank()) {
            throw new ConfigException("--out: empty; name a run folder");
        }
        org.apache.hadoop.fs.Path p = new org.apache.hadoop.fs.Path(dir);
        org.apache.hadoop.fs.FileSystem fs;
        try {
            fs = p.getFileSystem(new org.apache.hadoop.conf.Configuration());
        } catch (java.io.IOException e) {
            throw new ConfigException("--out " + dir + ": " + e.getMessage());
        }
        try {
            org.apache.hadoop.fs.Path existing = p;
            while (existing != null && !fs.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing == null) {
                return;
            }
            if (!fs.getFileStatus(existing).isDirectory()) {
                throw new ConfigException("--out " + dir + ": " + (existing.equals(p) ? "is a file, not a run folder"
                        : existing + " is a file, so no run folder can be made under it"));
            }
            if (fs instanceof org.apache.hadoop.fs.LocalFileSystem local && !local.pathToFile(existing).canWrite()) {
                throw new ConfigException("--out " + dir + ": " + existing + " is not writable by this user");
            }
        } catch (java.io.IOException e) {
            // Unreachable file systems are reported when the run folder is locked.
        }
    }

    @SuppressWarnings("unchecked")
    static void printSummary(Map<String, Object> s, RunFolder folder) {
        System.out.printf(Locale.ROOT, "hypergrad: done · %s rounds · %.1f s · λ fingerprint %s%n", s.get("rounds"),
                ((Number) s.get("seconds")).doubleValue(), s.get("lambdaSha256"));
        if (s.get("test") instanceof Map<?, ?> t) {
            Map<String, Object> before = (Map<String, Object>) t.get("initial");
            Map<String, Object> after = (Map<String, Object>) t.get("tuned");
            StringBuilder line = new StringBuilder();
            for (String k : after.keySet()) {
                line.append(String.format(Locale.ROOT, "%s%s %.4f → %.4f", line.length() == 0 ? "" : " · ", k,
                        before.get(k) instanceof Number n ? n.doubleValue() : Double.NaN,
                        after.get(k) instanceof Number n ? n.doubleValue() : Double.NaN));
            }
            System.out.printf(Locale.ROOT, "hypergrad: test on %s rows, initial λ → tuned λ: %s%n", t.get("rows"), line);
        }
        if (s.get("metaTest") instanceof Map<?, ?> mt) {
            Map<String, Object> before = (Map<String, Object>) mt.get("initial");
            Map<String, Object> after = (Map<String, Object>) mt.get("learned");
            if (before.get("accuracy") != null) {
                System.out.printf(Locale.ROOT, "hypergrad: meta-test accuracy on %s tasks: initial λ %.1f%% ± %.1f → learned λ %.1f%% ± %.1f%n",
                        mt.get("tasks"), 100 * (double) before.get("accuracy"), 100 * (double) before.get("accuracyCi95"),
                        100 * (double) after.get("accuracy"), 100 * (double) after.get("accuracyCi95"));
            }
            System.out.printf(Locale.ROOT, "hypergrad: meta-test loss: initial λ %.4f ± %.4f → learned λ %.4f ± %.4f%n",
                    (double) before.get("loss"), (double) before.get("lossCi95"), (double) after.get("loss"), (double) after.get("lossCi95"));
        }
        System.out.println("hypergrad: outputs: " + io.hypergrad.common.config.Redaction.text(folder.pathOf("summary.json")) + ", metrics.jsonl, config.conf, checkpoints/");
    }
}
