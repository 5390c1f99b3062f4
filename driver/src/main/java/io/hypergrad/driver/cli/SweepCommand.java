package io.hypergrad.driver.cli;

import io.hypergrad.driver.output.RunFolder;
import io.hypergrad.driver.spark.SparkSetup;
import io.hypergrad.driver.sweep.SweepEmitter;
import io.hypergrad.driver.sweep.SweepRunner;
import io.hypergrad.driver.sweep.SweepSpec;
import java.io.File;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
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

    @Option(names = "--out", description = "sweep folder (any Hadoop path); default sweeps/<name>")
    String out;

    @Option(names = "--parallel", description = "runs at once inside one Spark application (FAIR pools); default 1")
    int parallel = 1;

    @Option(names = "--master", description = "Spark master; default local[*]")
    String master;

    @Option(names = "--status", description = "print the runs' states and metrics, run nothing")
    boolean status;

    @Option(names = "--emit", description = "print spark-submit commands (spark-submit) or write SparkApplication manifests (k8s)")
    String emit;

    @Option(names = "--jar", description = "for --emit: the application jar's path on the cluster; default hypergrad.jar")
    String jar = "hypergrad.jar";

    @Option(names = "--image", description = "for --emit k8s: the container image")
    String image = "hypergrad:latest";

    @Override
    public Integer call() {
        SweepSpec spec = SweepSpec.load(file);
        String dir = out != null ? out : "sweeps/" + spec.name();
        if (emit != null) {
            return emit(spec, dir);
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

    private int emit(SweepSpec spec, String dir) {
        switch (emit) {
            case "spark-submit" -> SweepEmitter.sparkSubmit(spec, dir, jar, master == null ? "spark://MASTER:7077" : master)
                    .forEach(System.out::println);
            case "k8s" -> {
                File target = new File(out != null ? out : "sweeps/" + spec.name() + "-k8s");
                if (!target.isDirectory() && !target.mkdirs()) {
                    throw new IllegalArgumentException("cannot create " + target);
                }
                for (Map.Entry<String, String> e : SweepEmitter.kubernetes(spec, "s3a://BUCKET/sweeps/" + spec.name(), image,
                        "/opt/hypergrad/" + new File(jar).getName()).entrySet()) {
                    File f = new File(target, e.getKey());
                    try {
                        java.nio.file.Files.writeString(f.toPath(), e.getValue());
                    } catch (java.io.IOException ex) {
                        throw new java.io.UncheckedIOException(ex);
                    }
                    System.out.println(f.getPath());
                }
            }
            default -> throw new IllegalArgumentException("--emit " + emit + ": expected spark-submit or k8s");
        }
        return ExitCode.OK;
    }
}
