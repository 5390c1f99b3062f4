package io.hypergrad.common.nn;

import io.hypergrad.common.random.CounterRng;

/** How a parameter tensor is initialised; draws come from a counter-keyed stream. */
public enum Init {
    /** U(−1/√fanIn, 1/√fanIn), PyTorch's default for linear and conv weights and biases. */
    FAN_IN_UNIFORM,
    /** All zeros. */
    ZEROS,
    /** All ones (batch-norm scale). */
    ONES;

    /** Fills {@code out[off, off+len)}. {@code fanIn} is the number of inputs of one output unit. */
    public void fill(double[] out, int off, int len, int fanIn, CounterRng rng) {
        switch (this) {
            case FAN_IN_UNIFORM -> {
                double bound = 1.0 / Math.sqrt(Math.max(1, fanIn));
                for (int i = 0; i < len; i++) {
                    out[off + i] = (2.0 * rng.nextDouble() - 1.0) * bound;
                }
            }
            case ZEROS -> java.util.Arrays.fill(out, off, off + len, 0.0);
            case ONES -> java.util.Arrays.fill(out, off, off + len, 1.0);
        }
    }
}
