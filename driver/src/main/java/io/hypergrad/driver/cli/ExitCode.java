package io.hypergrad.driver.cli;

/** The launcher's exit codes, documented in {@code docs/CLI.md}. */
public final class ExitCode {
    private ExitCode() {}

    /** Success. */
    public static final int OK = 0;
    /** Bad command line, config or spec. */
    public static final int USAGE = 2;
    /** Missing or malformed dataset. */
    public static final int DATA = 3;
    /** The run failed (a Spark job, a non-finite hypergradient under the fail policy, …). */
    public static final int FAILED = 4;
    /** Stopped by SIGTERM, SIGINT or a cancel at a safe point: nothing lost, {@code --resume} continues it. */
    public static final int STOPPED = 5;
}
