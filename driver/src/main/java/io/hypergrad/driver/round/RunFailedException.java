package io.hypergrad.driver.round;

/** A run cannot go on (a NaN hypergradient under the fail policy, a failed Spark job, …), or was stopped ({@link RunStoppedException}). */
public class RunFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public RunFailedException(String message) {
        super(message);
    }

    public RunFailedException(String message, Throwable cause) {
        super(message, cause);
    }
}
