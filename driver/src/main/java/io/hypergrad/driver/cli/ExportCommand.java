package io.hypergrad.driver.cli;

import io.hypergrad.common.config.ConfigException;
import io.hypergrad.common.config.RunConfig;
import io.hypergrad.driver.checkpoint.CheckpointStore;
import io.hypergrad.driver.checkpoint.DriverState;
import io.hypergrad.driver.export.NetworkExporter;
import io.hypergrad.driver.output.RunFolder;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code export RUNDIR --format dl4j}: the run's learned network (newest valid checkpoint) as a DL4J
 * {@code MultiLayerNetwork} zip with a JSON description, checked against our forward pass before it is
 * written; {@code --fit} then trains it further on Spark with dl4j-spark's parameter averaging. The format
 * itself is a {@link NetworkExporter} from the DL4J add-on jar, which only {@code export} loads.
 */
@Command(name = "export", mixinStandardHelpOptions = true,
        description = {"Export a run's learned network as a DL4J MultiLayerNetwork zip (ModelSerializer), with its",
                "tuned per-layer learning rates and weight decays; λ layers are frozen. --fit trains it further on a",
                "fresh meta-test task on Spark (dl4j-spark parameter averaging)."})
class ExportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUNDIR", description = "the run folder (any Hadoop path)")
    String dir;

    @Option(names = "--format", defaultValue = "dl4j", description = "export format; only dl4j (default: ${DEFAULT-VALUE})")
    String format;

    @Option(names = "--out", description = "output folder; default RUNDIR/export")
    String out;

    @Option(names = "--fit", description = "train the exported network further on Spark")
    boolean fit;

    @Option(names = "--epochs", defaultValue = "5", description = "epochs of --fit, each the T training batches of one task (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--master", description = "Spark master for --fit; default: as spark-submit set it, else local[*]")
    String master;

    @Option(names = "--debug", description = "print stack traces of errors")
    boolean debug;

    @Override
    public Integer call() throws Exception {
        if (!format.equals("dl4j")) {
            throw new ConfigException("--format " + format + ": only dl4j is supported");
        }
        if (epochs < 1) {
            throw new ConfigException("--epochs " + epochs + ": must be at least 1");
        }
        org.apache.hadoop.conf.Configuration hadoop = new org.apache.hadoop.conf.Configuration();
        RunFolder run = RunFolder.existing(dir, hadoop).filter(r -> r.exists("config.conf"))
                .orElseThrow(() -> new ConfigException(dir + " is not a run folder (no config.conf)"));
        RunConfig config = RunConfig.parse(run.readText("config.conf"));
        DriverState state = new CheckpointStore(run, config).loadNewest()
                .orElseThrow(() -> new ConfigException(dir + " has no valid checkpoint to export"));
        NetworkExporter exporter = NetworkExporter.find(format);
        if (exporter == null) {
            throw new ConfigException("--format " + format + " needs the DL4J add-on, which training jobs do not carry: "
                    + "deploy/bin/hypergrad export puts it on the class path (dl4j/target/hypergrad-dl4j.jar and dl4j/target/lib); "
                    + "with spark-submit, pass dl4j/target/hypergrad-dl4j-all.jar with --jars");
        }
        exporter.export(new NetworkExporter.Request(run, config, state, new RunFolder(out != null ? out : run.pathOf("export"), hadoop),
                fit, epochs, master));
        return ExitCode.OK;
    }
}
