package io.hypergrad.common.inner;

/**
 * What one sweep returns: the loss, ∇_w L and ∇_λ L and, when a tangent u was given, H_ww·u and H_λw·u.
 * Buffers are reused by the next sweep of the same {@link Loss}: copy what must be kept.
 */
public final class SweepResult {
    /** L(w, λ; D). */
    public double loss;
    /** ∇_w L. */
    public final double[] gradW;
    /** ∇_λ L over the model's λ tensors. */
    public final double[] gradLambda;
    /** H_ww·u (+ H_wλ·uλ with a λ tangent); valid only after a sweep with a tangent. */
    public final double[] hvpW;
    /** H_λw·u (+ H_λλ·uλ with a λ tangent); valid only after a sweep with a tangent. */
    public final double[] hvpLambda;

    SweepResult(int p, int h) {
        gradW = new double[p];
        gradLambda = new double[h];
        hvpW = new double[p];
        hvpLambda = new double[h];
    }
}
