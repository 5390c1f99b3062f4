package io.hypergrad.driver.cli;

import io.hypergrad.driver.output.RunFolder;
import io.hypergrad.driver.report.ReportWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code report RUNDIR}: writes the run's report.html with its plots. */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Write report.html (with plots) for a run folder.")
class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "RUNDIR", description = "the run folder (any Hadoop path)")
    String dir;

    @Override
    public Integer call() {
        RunFolder f = RunFolder.existing(dir, new org.apache.hadoop.conf.Configuration()).filter(r -> r.exists("metrics.jsonl"))
                .orElseThrow(() -> new IllegalArgumentException(dir + " is not a run folder (no metrics.jsonl)"));
        System.out.println("hypergrad: report written to " + ReportWriter.write(f));
        return ExitCode.OK;
    }
}
