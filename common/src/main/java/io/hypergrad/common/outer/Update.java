package io.hypergrad.common.outer;

/**
 * The result of {@link OuterOptimizer#update}: the outgoing vector (for a complete optimiser, the
 * parameter delta) and the next state. The delta array is fresh and belongs to the caller.
 */
public record Update(double[] delta, OptimizerState state) {
    /** params + delta, as a new array. */
    public double[] applyTo(double[] params) {
        if (params.length != delta.length) {
            throw new IllegalArgumentException("params have length " + params.length + ", delta " + delta.length);
        }
        double[] out = new double[params.length];
        for (int i = 0; i < out.length; i++) {
            out[i] = params[i] + delta[i];
        }
        return out;
    }
}
