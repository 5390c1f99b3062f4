package io.hypergrad.driver.cli;

import io.hypergrad.common.config.ConfigException;
import io.hypergrad.common.data.DatasetException;
import io.hypergrad.driver.round.RunFailedException;
import java.io.PrintStream;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code hypergrad} command line. Each subcommand is a class in this package; errors become one
 * line on stderr and a distinct exit code ({@link ExitCode}); {@code --debug} or
 * {@code HYPERGRAD_DEBUG=1} adds the stack trace.
 */
@Command(name = "hypergrad", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Gradient-based online hyperparameter optimisation and meta-learning on Apache Spark.",
        subcommands = {RunCommand.class, DemoCommand.class, ConfigCommand.class, SweepCommand.class, BenchCommand.class,
                HypergradientCommand.class, ReportCommand.class, ExperimentCommand.class, ExportCommand.class, InitCommand.class, PredictCommand.class,
                CommandLine.HelpCommand.class},
        footer = {"", "Exit codes: 0 ok, 2 usage or config error, 3 data error, 4 run failed, 5 stopped by a signal (nothing lost; --resume)."})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "a command is required");
    }

    /** Runs the command line and returns the exit code (for tests and embedding). */
    public static int execute(PrintStream out, PrintStream err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(err, true));
        boolean debug = "1".equals(System.getenv("HYPERGRAD_DEBUG"));
        for (String a : args) {
            debug |= a.equals("--debug");
        }
        boolean showTrace = debug;
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            err.println("hypergrad: " + message(e));
            if (showTrace) {
                e.printStackTrace(err);
            }
            return exitCodeOf(e);
        });
        cl.setParameterExceptionHandler((e, a) -> {
            err.println("hypergrad: " + e.getMessage());
            e.getCommandLine().usage(err);
            return ExitCode.USAGE;
        });
        return cl.execute(args);
    }

    public static void main(String[] args) {
        System.exit(execute(System.out, System.err, args));
    }

    static int exitCodeOf(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof ConfigException || t instanceof CommandLine.ParameterException) {
                return ExitCode.USAGE;
            }
            if (t instanceof DatasetException) {
                return ExitCode.DATA;
            }
            if (t instanceof io.hypergrad.driver.round.RunStoppedException) {
                return ExitCode.STOPPED;
            }
            if (t instanceof RunFailedException) {
                return ExitCode.FAILED;
            }
            if (t instanceof IllegalArgumentException && t == e) {
                return ExitCode.USAGE;
            }
        }
        return ExitCode.FAILED;
    }

    /** The error line: the dataset error when there is one, with credentials redacted. */
    static String message(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DatasetException) {
                return io.hypergrad.common.config.Redaction.text(t.getMessage());
            }
        }
        return io.hypergrad.common.config.Redaction.text(e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage());
    }

    /** The version from the jar manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"hypergrad " + io.hypergrad.driver.round.Provenance.version()};
        }
    }
}
