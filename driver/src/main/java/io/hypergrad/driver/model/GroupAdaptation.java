package io.hypergrad.driver.model;

import io.hypergrad.common.problems.InnerTraining;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * What a group-mode network needs to adapt φ to one group before predicting it: the group column it was
 * trained on, the whole tuned λ (the model's λ tensors, then the inner optimiser's hyperparameters), how
 * the inner training runs ({@link InnerTraining}: optimiser settings, steps, mini-batch size) and the run's
 * seed, which with the group's name keys the adaptation's mini-batches.
 *
 * @param group    the group column of the run
 * @param seed     the run's seed
 * @param lambda   the tuned λ, whole
 * @param training how the inner training runs
 */
public record GroupAdaptation(String group, long seed, double[] lambda, InnerTraining training) implements Serializable {
    /** The stream of adaptation mini-batches, apart from the run's own streams. */
    private static final long ADAPT_STREAM = 0xADA9;

    /**
     * The counters of one group's adaptation: the seed, this stream and the first 64 bits of SHA-256 of the
     * group's name (a null group is named by the empty string), so a group adapts the same way wherever
     * and in whatever partition its rows are.
     */
    public long[] key(String groupName) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest((groupName == null ? "" : groupName).getBytes(StandardCharsets.UTF_8));
            return new long[] {seed, ADAPT_STREAM, ByteBuffer.wrap(h).getLong()};
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
