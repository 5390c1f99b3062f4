package io.hypergrad.driver.round;

/**
 * A run was asked to stop (SIGTERM, SIGINT, a notebook's cancel) and stopped at a safe point: the round in
 * flight was abandoned, every completed round is in the last good checkpoint, and nothing was written half.
 * {@code --resume} continues it to the same λ as an uninterrupted run.
 */
public final class RunStoppedException extends RunFailedException {
    private static final long serialVersionUID = 1L;

    private final String cause;
    private final int round;

    /**
     * @param cause  what asked for the stop ("SIGTERM", "cancel()")
     * @param done   rounds complete when it stopped
     * @param rounds rounds the run has in all
     * @param abandoned what the stop interrupted (null when it stopped before its first job)
     */
    RunStoppedException(String cause, int done, int rounds, Throwable abandoned) {
        super("stopped by " + cause + (done < rounds ? " during round " + (done + 1) : " after round " + rounds + ", in its final evaluation")
                + "; nothing lost", abandoned);
        this.cause = cause;
        this.round = done + 1;
    }

    private RunStoppedException(String message, RunStoppedException stopped) {
        super(message, stopped.getCause());
        this.cause = stopped.cause;
        this.round = stopped.round;
    }

    /** The same stop, its message ending with the command that resumes it. */
    public RunStoppedException resumeWith(String command) {
        return new RunStoppedException(getMessage() + "; resume with: " + command, this);
    }

    /** What asked for the stop, e.g. "SIGTERM". */
    public String stopCause() {
        return cause;
    }

    /** The round (1-based) that was in flight and will be run again on resume. */
    public int round() {
        return round;
    }
}
