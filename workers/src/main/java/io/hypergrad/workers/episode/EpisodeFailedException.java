package io.hypergrad.workers.episode;

import io.hypergrad.common.problems.Split;

/**
 * An episode threw on an executor: the message names the task, the round and the split, then the cause,
 * so that when Spark gives up on the partition the driver's error says which task failed and why.
 */
public final class EpisodeFailedException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public EpisodeFailedException(int task, int round, Split split, Throwable cause) {
        super("task " + task + " of round " + (round + 1) + " (" + split.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
                + ") failed: " + cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
    }
}
