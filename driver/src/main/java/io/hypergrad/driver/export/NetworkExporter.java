package io.hypergrad.driver.export;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.driver.checkpoint.DriverState;
import io.hypergrad.driver.output.RunFolder;
import java.util.ServiceLoader;

/**
 * A format {@code export} writes a run's learned network in. Formats live in add-on jars found with
 * {@link ServiceLoader} ({@code META-INF/services/io.hypergrad.driver.export.NetworkExporter}), so that the
 * jar every training job ships does not carry them: DL4J's is {@code hypergrad-dl4j}, with ND4J's natives,
 * which the launcher puts on the class path for {@code export} only.
 */
public interface NetworkExporter {
    /** The name {@code --format} selects it by. */
    String format();

    /**
     * Writes the export into {@code request.target()} (atomically, file by file) and prints what it wrote.
     *
     * @throws Exception what failed; the CLI turns it into a message and an exit code
     */
    void export(Request request) throws Exception;

    /**
     * What to export and how.
     *
     * @param run    the run folder
     * @param config its config
     * @param state  its newest valid checkpoint
     * @param target the output folder
     * @param fit    whether to train the exported network further on Spark
     * @param epochs epochs of that training
     * @param master the Spark master for it, or null for spark-submit's (else local[*])
     */
    record Request(RunFolder run, RunConfig config, DriverState state, RunFolder target, boolean fit, int epochs, String master) {}

    /** The exporter of {@code format} on the class path, or null when its add-on is not there. */
    static NetworkExporter find(String format) {
        for (NetworkExporter e : ServiceLoader.load(NetworkExporter.class, Thread.currentThread().getContextClassLoader())) {
            if (e.format().equals(format)) {
                return e;
            }
        }
        return null;
    }
}
