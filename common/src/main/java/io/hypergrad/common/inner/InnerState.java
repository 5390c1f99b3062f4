package io.hypergrad.common.inner;

import java.util.Arrays;

/**
 * The inner optimiser's state z = (w, buffers…) after {@code step} updates: w and, per optimiser,
 * momentum (SGD) or first and second moments (Adam). Treated as immutable: updates return a new state,
 * so an estimator may keep any z_t it needs. The same shape also carries adjoints ā_z.
 */
public final class InnerState implements java.io.Serializable {
    private static final long serialVersionUID = 1L;

    /** Inner weights. */
    public final double[] w;
    /** Optimiser buffers, each the length of w (empty for plain SGD). */
    public final double[][] buffers;
    /** Number of updates taken. */
    public final int step;

    public InnerState(double[] w, double[][] buffers, int step) {
        this.w = w;
        this.buffers = buffers;
        this.step = step;
    }

    /** A state of zeros shaped like this one (an adjoint seed). */
    public InnerState zerosLike() {
        double[][] b = new double[buffers.length][];
        for (int i = 0; i < b.length; i++) {
            b[i] = new double[buffers[i].length];
        }
        return new InnerState(new double[w.length], b, step);
    }

    /** A deep copy. */
    public InnerState copy() {
        double[][] b = new double[buffers.length][];
        for (int i = 0; i < b.length; i++) {
            b[i] = buffers[i].clone();
        }
        return new InnerState(w.clone(), b, step);
    }

    /** p·a + (1 − p)·b over w and every buffer; the step is b's (a distilled state's running average). */
    public static InnerState mix(double p, InnerState a, InnerState b) {
        double[] w = new double[a.w.length];
        for (int i = 0; i < w.length; i++) {
            w[i] = p * a.w[i] + (1 - p) * b.w[i];
        }
        double[][] bs = new double[a.buffers.length][];
        for (int k = 0; k < bs.length; k++) {
            bs[k] = new double[a.buffers[k].length];
            for (int i = 0; i < bs[k].length; i++) {
                bs[k][i] = p * a.buffers[k][i] + (1 - p) * b.buffers[k][i];
            }
        }
        return new InnerState(w, bs, b.step);
    }

    /** Σ over w and buffers of this · other (pairs an adjoint with a tangent). */
    public double dot(InnerState other) {
        double s = 0;
        for (int i = 0; i < w.length; i++) {
            s += w[i] * other.w[i];
        }
        for (int k = 0; k < buffers.length; k++) {
            for (int i = 0; i < buffers[k].length; i++) {
                s += buffers[k][i] * other.buffers[k][i];
            }
        }
        return s;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof InnerState s && s.step == step && Arrays.equals(s.w, w) && Arrays.deepEquals(s.buffers, buffers);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(w) * 31 + step;
    }
}
