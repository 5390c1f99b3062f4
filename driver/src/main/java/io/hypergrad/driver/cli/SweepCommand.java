package io.hypergrad.driver.cli;

import io.hypergrad.common.config.ConfigException;
import io.hypergrad.common.config.Redaction;
import io.hypergrad.driver.output.RunFolder;
import io.hypergrad.driver.round.Provenance;
import io.hypergrad.driver.spark.SparkSetup;
import io.hypergrad.driver.sweep.SweepEmitter;
import io.hypergrad.driver.sweep.SweepRun;
import io.hypergrad.driver.sweep.SweepRunner;
import io.hypergrad.driver.sweep.SweepSpec;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code sweep SWEEP.conf}: run a sweep in one application, show its status, or emit it for a scheduler. */
@Command(name = "sweep", mixinStandardHelpOptions = true, description = "Run, inspect or emit a sweep over config keys.")
class SweepCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "SWEEP", description = "the sweep file (HOCON, a sweep { … } block)")
    File file;

    @Option(names = "--out", description = "sweep folder (any Hadoop path); default sweeps/<name>; required with --emit")
    String out;

    @Option(names = "--parallel", description = "runs at once inside one Spark application (FAIR pools); default 1")
    int parallel = 1;

    @Option(names = "--master", description = "Spark master; default local[*] (for --emit spark-submit: the master the lines name; default spark://MASTER:7077)")
    String master;

    @Option(names = "--status", description = "print the runs' states and metrics, run nothing")
    boolean status;

    @Option(names = "--emit", paramLabel = "KIND", description = "emit the runs for a scheduler instead of running them: "
            + "spark-submit (one line per run), yarn (spark-submit lines for YARN, cluster mode) or k8s (spark-operator SparkApplication manifests)")
    String emit;

    @Option(names = "--emit-dir", description = "for --emit: the local folder the emitted files go to; default: KIND/ in the sweep folder "
            + "when that is on this machine, else SWEEPNAME-KIND/ beside the sweep file")
    File emitDir;

    @Option(names = "--jar", description = "for --emit spark-submit|yarn: the application jar (a local path, shipped by spark-submit, or a URI "
            + "the cluster reaches); default: the jar hypergrad runs from")
    String jar;

    @Option(names = "--deploy-mode", description = "for --emit spark-submit: client or cluster; default client")
    String deployMode = "client";

    @Option(names = "--registry", description = "for --emit k8s: the image's registry (REGISTRY/hypergrad:TAG); default none")
    String registry;

    @Option(names = "--tag", description = "for --emit k8s: the image's tag; default latest")
    String tag = "latest";

    @Option(names = "--config-via", description = "for --emit k8s: how a job gets its config: out (RUN_FOLDER/config.conf on the --out "
            + "file system, written now) or configmap (a ConfigMap mounted into the driver; for clusters without shared storage); default out")
    String configVia = "out";

    @Option(names = "--driver-cores", description = "for --emit: driver cores; default 1")
    int driverCores = SweepEmitter.Resources.DEFAULTS.driverCores();

    @Option(names = "--driver-memory", description = "for --emit: driver memory; default 2g")
    String driverMemory = SweepEmitter.Resources.DEFAULTS.driverMemory();

    @Option(names = "--executor-instances", description = "for --emit: executors per run; default 2")
    int executorInstances = SweepEmitter.Resources.DEFAULTS.executorInstances();

    @Option(names = "--executor-cores", description = "for --emit: cores per executor; default 2")
    int executorCores = SweepEmitter.Resources.DEFAULTS.executorCores();

    @Option(names = "--executor-memory", description = "for --emit: memory per executor; default 4g")
    String executorMemory = SweepEmitter.Resources.DEFAULTS.executorMemory();

    @Override
    public Integer call() {
        SweepSpec spec = SweepSpec.load(file);
        String dir = out != null ? out : "sweeps/" + spec.name();
        if (emit != null) {
            return emit(spec);
        }
        SparkConf conf = new SparkConf();
        if (master != null) {
            conf.setMaster(master);
        }
        SparkSetup.configure(conf.setIfMissing("spark.app.name", "hypergrad sweep " + spec.name())
                .setIfMissing("spark.scheduler.mode", "FAIR"));
        if (!status) {
            // Every run's data and settings are checked before Spark starts or the sweep folder exists.
            for (io.hypergrad.driver.sweep.SweepRun r : spec.runs()) {
                try {
                    io.hypergrad.driver.round.RoundLoop.preflight(r.config(), conf);
                } catch (io.hypergrad.common.config.ConfigException e) {
                    throw new io.hypergrad.common.config.ConfigException("sweep run " + r.name() + ": " + e.getMessage());
                }
            }
        }
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            RunFolder folder = new RunFolder(dir, sc.hadoopConfiguration());
            SweepRunner runner = new SweepRunner(sc, spec, folder);
            List<SweepRunner.Row> rows;
            if (status) {
                rows = runner.status();
            } else {
                System.out.printf("hypergrad: sweep %s · %d runs · %d at a time · outputs in %s%n", spec.name(), spec.runs().size(),
                        parallel, folder.pathOf(""));
                rows = runner.run(parallel, (run, msg) -> System.out.println(run + ": " + msg));
                System.out.println("hypergrad: ranking in " + folder.pathOf("summary.md") + " and summary.csv");
            }
            System.out.print(runner.markdown(rows));
        }
        return ExitCode.OK;
    }

    /**
     * Writes every unfinished run's config into its run folder (unless it travels in a ConfigMap), then the
     * jobs into the emit folder, and says where they are and how to submit them. Everything the command
     * line decides is checked before anything is written.
     */
    private int emit(SweepSpec spec) {
        SweepEmitter.Kind kind = SweepEmitter.Kind.of(emit);
        if (kind == null) {
            throw new ConfigException("--emit " + emit + ": expected spark-submit, yarn or k8s");
        }
        if (out == null) {
            throw new ConfigException("--emit " + emit + ": --out is required: the sweep folder the jobs read their configs from and write to"
                    + " (any Hadoop URI the cluster reaches, e.g. hdfs:///sweeps/" + spec.name() + ")");
        }
        boolean configMap = switch (configVia) {
            case "out" -> false;
            case "configmap" -> true;
            default -> throw new ConfigException("--config-via " + configVia + ": expected out or configmap");
        };
        if (configMap && kind != SweepEmitter.Kind.K8S) {
            throw new ConfigException("--config-via configmap: only with --emit k8s");
        }
        if (!deployMode.equals("client") && !deployMode.equals("cluster")) {
            throw new ConfigException("--deploy-mode " + deployMode + ": expected client or cluster");
        }
        SweepEmitter.Resources res = resources();
        for (SweepRun r : spec.runs()) {
            // A config records credentials redacted (config.conf never holds secrets): the job could not use them.
            if (!Redaction.text(r.config().hocon()).equals(r.config().hocon())) {
                throw new ConfigException("sweep run " + r.name() + ": its config holds credentials in a URI, which an emitted config records"
                        + " redacted; give them to Hadoop instead (spark.hadoop.fs.s3a.access.key, … or the environment)");
            }
        }
        Configuration hadoop = SparkSetup.hadoopConfiguration(new SparkConf());
        String sweepUri = configMap ? clusterPath(out) : qualified(out, hadoop);
        boolean outIsLocal = sweepUri.startsWith("file:");
        File dir = emitDir != null ? emitDir
                : outIsLocal && !configMap ? new File(new Path(sweepUri).toUri().getPath(), kind.label())
                : new File(file.getAbsoluteFile().getParentFile(), spec.name() + "-" + kind.label());
        requireWritableFolder(dir, emitDir == null);
        String appJar = kind == SweepEmitter.Kind.K8S ? null : applicationJar();

        List<SweepRun> todo = new ArrayList<>();
        int complete = 0;
        for (SweepRun r : spec.runs()) {
            if (!configMap && RunFolder.existing(r.folderIn(sweepUri), hadoop).map(f -> f.exists("summary.json")).orElse(false)) {
                complete++;
                continue;
            }
            todo.add(r);
        }
        if (!configMap) {
            for (SweepRun r : todo) {
                try {
                    new RunFolder(r.folderIn(sweepUri), hadoop).writeText("config.conf", Provenance.configFile(r.config()));
                } catch (UncheckedIOException e) {
                    throw new ConfigException("--out " + out + ": cannot write " + r.name() + "/config.conf (" + e.getMessage() + ")"
                            + (kind == SweepEmitter.Kind.K8S ? "; with no access to it from here, use --config-via configmap" : ""));
                }
            }
        }
        if (!dir.isDirectory() && !dir.mkdirs()) {
            throw new ConfigException("--emit-dir " + dir + ": cannot create the folder");
        }
        System.out.printf("hypergrad: sweep %s · %d runs · %d complete (not emitted) · %d emitted%s%n", spec.name(), spec.runs().size(), complete,
                todo.size(), configMap ? " · configs in ConfigMaps" : " · each reads RUN_FOLDER/config.conf under " + sweepUri);
        if (outIsLocal && !configMap && kind != SweepEmitter.Kind.SPARK_SUBMIT) {
            System.err.println("hypergrad: note: --out " + sweepUri + " is on this machine's disk: the jobs reach it only where the cluster"
                    + " mounts it at the same path");
        }
        switch (kind) {
            case SPARK_SUBMIT, YARN -> {
                List<String> lines = kind == SweepEmitter.Kind.YARN ? SweepEmitter.yarn(spec.name(), todo, sweepUri, appJar, res)
                        : SweepEmitter.sparkSubmit(spec.name(), todo, sweepUri, appJar, master == null ? "spark://MASTER:7077" : master, deployMode, res);
                File script = new File(dir, kind.label() + ".sh");
                StringBuilder sb = new StringBuilder("#!/usr/bin/env bash\n# hypergrad sweep " + spec.name() + ": one spark-submit per run not yet complete."
                        + " Each job reads its config from its run folder and resumes there, so running a line again continues that run.\n"
                        + "# Needs spark-submit (Spark 3.5, Scala 2.12) on the PATH.\n");
                if (kind == SweepEmitter.Kind.YARN) {
                    sb.append(": \"${HADOOP_CONF_DIR:-${YARN_CONF_DIR:?set HADOOP_CONF_DIR to the YARN cluster's Hadoop configuration folder}}\"\n");
                }
                lines.forEach(l -> sb.append(l).append('\n'));
                writeFile(script, sb.toString());
                script.setExecutable(true);
                System.out.println("hypergrad: wrote " + script + "; submit every run with: bash " + script + " — or give a scheduler these lines"
                        + (kind == SweepEmitter.Kind.YARN ? " (with HADOOP_CONF_DIR set to the cluster's Hadoop configuration)" : "") + ":");
                lines.forEach(System.out::println);
            }
            case K8S -> {
                String image = (registry == null || registry.isEmpty() ? "" : registry.replaceAll("/+$", "") + "/") + "hypergrad:" + tag;
                Map<String, String> manifests = SweepEmitter.kubernetes(spec.name(), todo, sweepUri, image, res, configMap);
                for (Map.Entry<String, String> e : manifests.entrySet()) {
                    writeFile(new File(dir, e.getKey()), e.getValue());
                }
                removeStaleManifests(dir, spec.name(), manifests.keySet());
                System.out.println("hypergrad: wrote " + manifests.size() + " SparkApplication manifests" + (configMap ? " (each with its ConfigMap)" : "")
                        + " for image " + image + " into " + dir + "; submit with: kubectl apply -f " + dir);
            }
            default -> throw new IllegalStateException(kind.toString());
        }
        return ExitCode.OK;
    }

    private SweepEmitter.Resources resources() {
        for (int[] v : new int[][] {{driverCores, 0}, {executorInstances, 1}, {executorCores, 2}}) {
            if (v[0] < 1) {
                throw new ConfigException(List.of("--driver-cores", "--executor-instances", "--executor-cores").get(v[1]) + " " + v[0] + ": expected ≥ 1");
            }
        }
        for (String[] m : new String[][] {{"--driver-memory", driverMemory}, {"--executor-memory", executorMemory}}) {
            if (!m[1].matches("[0-9]+[kmgtKMGT]?")) {
                throw new ConfigException(m[0] + " " + m[1] + ": expected a size such as 512m or 4g");
            }
        }
        return new SweepEmitter.Resources(driverCores, driverMemory, executorInstances, executorCores, executorMemory);
    }

    /** The sweep folder as a fully qualified URI: emitted jobs start elsewhere, so it must not depend on this working directory. */
    private static String qualified(String dir, Configuration hadoop) {
        try {
            Path p = new Path(dir);
            return p.getFileSystem(hadoop).makeQualified(p).toString();
        } catch (IOException | IllegalArgumentException e) {
            throw new ConfigException("--out " + dir + ": " + e.getMessage());
        }
    }

    /** With a ConfigMap, --out is read only on the cluster, so it is taken as given, but must be absolute there. */
    private static String clusterPath(String dir) {
        if (!dir.matches("[A-Za-z][A-Za-z0-9+.-]+:.*") && !dir.startsWith("/")) {
            throw new ConfigException("--out " + dir + ": a relative path means nothing in a driver pod; give a URI (s3a://…, hdfs://…) or an absolute path");
        }
        return dir;
    }

    /** Refuses an emit folder that cannot be made or written to, before anything is written anywhere. */
    private static void requireWritableFolder(File dir, boolean isDefault) {
        String which = "--emit-dir " + dir + (isDefault ? " (the default; choose another with --emit-dir)" : "");
        File d = dir.getAbsoluteFile();
        while (d != null && !d.exists()) {
            d = d.getParentFile();
        }
        if (d == null) {
            throw new ConfigException(which + ": no existing folder above it");
        }
        if (!d.isDirectory()) {
            throw new ConfigException(which + ": " + (d.equals(dir.getAbsoluteFile()) ? "is a file, not a folder" : d + " is a file, not a folder"));
        }
        if (!Files.isWritable(d.toPath())) {
            throw new ConfigException(which + ": " + d + " is not writable");
        }
    }

    /** The --jar as spark-submit should see it: a URI as given, a local file made absolute, by default the jar running now. */
    private String applicationJar() {
        if (jar == null) {
            try {
                File self = new File(SweepCommand.class.getProtectionDomain().getCodeSource().getLocation().toURI());
                if (self.isFile() && self.getName().endsWith(".jar")) {
                    return self.getAbsolutePath();
                }
            } catch (URISyntaxException | SecurityException e) {
                // Fall through: no jar to name.
            }
            throw new ConfigException("--emit " + emit + ": hypergrad is not running from a jar; name the application jar with --jar");
        }
        if (jar.matches("[A-Za-z][A-Za-z0-9+.-]+:.*")) {
            return jar;
        }
        File f = new File(jar);
        if (!f.isFile()) {
            throw new ConfigException("--jar " + jar + ": no such file");
        }
        return f.getAbsolutePath();
    }

    /** Writes a whole file under a temporary name, then renames it into place. */
    private static void writeFile(File f, String text) {
        try {
            var tmp = f.toPath().resolveSibling("." + f.getName() + ".tmp");
            Files.writeString(tmp, text);
            Files.move(tmp, f.toPath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("writing " + f + ": " + e.getMessage(), e);
        }
    }

    /**
     * Removes this sweep's manifests of an earlier emission that this one no longer holds (runs completed
     * since), so that {@code kubectl apply -f DIR} submits what is left and nothing else. Only files whose
     * first line says this emitter wrote them for this sweep are touched.
     */
    private static void removeStaleManifests(File dir, String sweepName, Set<String> current) {
        File[] files = dir.listFiles((d, n) -> n.endsWith(".yaml") && !current.contains(n));
        for (File f : files == null ? new File[0] : files) {
            try {
                String text = Files.readString(f.toPath());
                if (text.startsWith(SweepEmitter.manifestHeader(sweepName, ""))) {
                    Files.delete(f.toPath());
                }
            } catch (IOException e) {
                throw new UncheckedIOException("removing the stale manifest " + f + ": " + e.getMessage(), e);
            }
        }
    }
}
