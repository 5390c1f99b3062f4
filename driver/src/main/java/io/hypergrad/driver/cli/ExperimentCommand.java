package io.hypergrad.driver.cli;

import io.hypergrad.driver.experiment.ExperimentReport;
import io.hypergrad.driver.output.RunFolder;
import io.hypergrad.driver.spark.SparkSetup;
import io.hypergrad.driver.sweep.SweepRunner;
import io.hypergrad.driver.sweep.SweepSpec;
import java.io.File;
import java.util.concurrent.Callable;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code experiment NAME}: runs the sweep {@code conf/experiments/NAME.conf} (resumable) and writes its
 * table ({@code results.md}) and plot ({@code results.png}) from the runs' outputs; or, for a file holding a
 * {@code quality} or {@code glocal} block instead of a sweep, that experiment in this JVM. Beside the
 * {@code sweep} block the file may hold {@code paper { title = "…", LABEL = number, … }} (published
 * numbers printed beside ours) and {@code memory = true} (a measured peak-memory column,
 * {@link io.hypergrad.driver.experiment.EpisodeMemory}).
 */
@Command(name = "experiment", mixinStandardHelpOptions = true,
        description = "Run an experiment (conf/experiments/NAME.conf) and write its results table and plot.")
class ExperimentCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "NAME", description = "an experiment in conf/experiments/")
    String name;

    @Option(names = "--out", description = "results folder; default experiments/NAME")
    String out;

    @Option(names = "--parallel", description = "runs at once; default 1")
    int parallel = 1;

    @Option(names = "--master", description = "Spark master; default local[*]")
    String master;

    @Option(names = "--table-only", description = "write the table and plot from the runs that have finished; run nothing "
            + "(e.g. while the sweep is still running elsewhere)")
    boolean tableOnly;

    @Override
    public Integer call() {
        File f = new File(System.getProperty("hypergrad.home", "."), "conf/experiments/" + name + ".conf");
        if (!f.isFile()) {
            String[] known = new File(f.getParentFile(), ".").list((d, n) -> n.endsWith(".conf"));
            throw new IllegalArgumentException("no experiment '" + name + "' (" + f + "); known: "
                    + (known == null ? "none" : String.join(", ", java.util.Arrays.stream(known).map(k -> k.replace(".conf", "")).toList())));
        }
        com.typesafe.config.Config raw = io.hypergrad.common.config.ConfigFiles.parse(f);
        if (raw.hasPath("quality")) {
            return quality(f, raw.getConfig("quality"));
        }
        if (raw.hasPath("glocal")) {
            return glocal(f, raw.getConfig("glocal"));
        }
        SweepSpec spec = SweepSpec.load(f);
        if (tableOnly) {
            String dir = out != null ? out : "experiments/" + name;
            RunFolder folder = RunFolder.existing(dir, new org.apache.hadoop.conf.Configuration()).orElseThrow(
                    () -> new IllegalArgumentException("--table-only: experiment '" + name + "' has no results folder " + dir));
            long finished = spec.runs().stream().filter(r -> folder.exists(r.name() + "/summary.json")).count();
            System.out.printf("hypergrad: experiment %s · table of the %d of %d runs that have finished in %s%n", name, finished,
                    spec.runs().size(), folder.pathOf(""));
            if (finished == 0) {
                throw new IllegalArgumentException("--table-only: no run of experiment '" + name + "' has finished in " + folder.pathOf(""));
            }
            writeTable(raw, spec, folder);
            return ExitCode.OK;
        }
        SparkConf conf = new SparkConf();
        if (master != null) {
            conf.setMaster(master);
        }
        SparkSetup.configure(conf.setIfMissing("spark.app.name", "hypergrad experiment " + name).setIfMissing("spark.scheduler.mode", "FAIR"));
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            RunFolder folder = new RunFolder(out != null ? out : "experiments/" + name, sc.hadoopConfiguration());
            System.out.printf("hypergrad: experiment %s · %d runs · outputs in %s%n", name, spec.runs().size(), folder.pathOf(""));
            new SweepRunner(sc, spec, folder).run(parallel, (run, msg) -> System.out.println(run + ": " + msg));
            writeTable(raw, spec, folder);
        }
        return ExitCode.OK;
    }

    private static void writeTable(com.typesafe.config.Config raw, SweepSpec spec, RunFolder folder) {
        ExperimentReport.Reference paper = ExperimentReport.Reference.NONE;
        if (raw.hasPath("paper")) {
            com.typesafe.config.Config p = raw.getConfig("paper");
            java.util.Map<String, Double> values = new java.util.LinkedHashMap<>();
            for (var e : p.root().entrySet()) {
                if (!e.getKey().equals("title")) {
                    values.put(e.getKey(), ((Number) e.getValue().unwrapped()).doubleValue());
                }
            }
            paper = new ExperimentReport.Reference(p.hasPath("title") ? p.getString("title") : "paper", values);
        }
        java.util.Map<String, Double> memory = raw.hasPath("memory") && raw.getBoolean("memory")
                ? ExperimentReport.measureMemory(spec) : java.util.Map.of();
        System.out.print(ExperimentReport.write(spec, folder, paper, memory));
        System.out.println("hypergrad: table " + folder.pathOf("results.md") + ", plot " + folder.pathOf("results.png"));
    }

    /**
     * The glocal experiment: { base = "…conf", set { … }, steps = T, windows = [τ, …], validationRows, gamma, theta (a number or fit),
     * sizes = [ { name, learningRate, weightDecay, width, stride, tasks = [n, …], parallelWindows = [τ, …] }, … ] }
     * (parallelWindows: the τ run with n &gt; 1; default all).
     */
    private int glocal(File f, com.typesafe.config.Config g) {
        java.util.List<io.hypergrad.driver.experiment.GlocalExperiment.Size> sizes = new java.util.ArrayList<>();
        for (com.typesafe.config.Config s : g.getConfigList("sizes")) {
            sizes.add(new io.hypergrad.driver.experiment.GlocalExperiment.Size(s.getString("name"), s.getString("learningRate"),
                    s.getString("weightDecay"), s.getInt("width"), s.getInt("stride"), s.getIntList("tasks"),
                    s.hasPath("parallelWindows") ? s.getIntList("parallelWindows") : g.getIntList("windows")));
        }
        var settings = new io.hypergrad.driver.experiment.GlocalExperiment.Settings(g.getInt("steps"), g.getIntList("windows"),
                g.getInt("validationRows"), g.getDouble("gamma"),
                g.getValue("theta").unwrapped().equals("fit") ? Double.NaN : g.getDouble("theta"), sizes);
        RunFolder folder = new RunFolder(out != null ? out : "experiments/" + name, new org.apache.hadoop.conf.Configuration());
        if (tableOnly) {
            // The table and the per-window records are written as each τ finishes; only the plots are redrawn.
            if (!folder.exists("glocal-windows.jsonl")) {
                throw new IllegalArgumentException("--table-only: experiment '" + name + "' has no glocal-windows.jsonl in " + folder.pathOf(""));
            }
            io.hypergrad.driver.experiment.GlocalExperiment.plots(folder);
            System.out.println("hypergrad: plots glocal-*.png redrawn in " + folder.pathOf(""));
            return ExitCode.OK;
        }
        System.out.print(io.hypergrad.driver.experiment.GlocalExperiment.run(baseConfig(f, g), settings, folder, System.out));
        System.out.println("hypergrad: table " + folder.pathOf("glocal.md") + ", per-window records glocal-windows.jsonl, plots glocal-*.png");
        return ExitCode.OK;
    }

    /** The run config of an experiment block: its {@code base} file with its {@code set} overrides. */
    private static io.hypergrad.common.config.RunConfig baseConfig(File f, com.typesafe.config.Config q) {
        RunCommand base = new RunCommand();
        base.config = new File(f.getParentFile(), q.getString("base")).getPath();
        for (var e : q.hasPath("set") ? q.getConfig("set").entrySet() : java.util.Set.<java.util.Map.Entry<String, com.typesafe.config.ConfigValue>>of()) {
            base.sets.add(e.getKey().replace("\"", "") + "=" + e.getValue().render(com.typesafe.config.ConfigRenderOptions.concise()));
        }
        return base.resolve();
    }

    /** A hypergradient-quality experiment: { base = "…conf", set { … }, steps = T, estimators = [ … ] }. */
    private int quality(File f, com.typesafe.config.Config q) {
        RunFolder folder = new RunFolder(out != null ? out : "experiments/" + name, new org.apache.hadoop.conf.Configuration());
        System.out.print(io.hypergrad.driver.experiment.QualityExperiment.run(baseConfig(f, q), q.getInt("steps"),
                q.getStringList("estimators"), folder, System.out));
        System.out.println("hypergrad: table " + folder.pathOf("quality.md") + ", plots quality.png and quality-so.png");
        return ExitCode.OK;
    }
}
