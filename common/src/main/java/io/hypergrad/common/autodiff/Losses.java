package io.hypergrad.common.autodiff;

import java.util.Arrays;

/** Loss functions, fused where fusing keeps them stable and exact. */
public final class Losses {
    private Losses() {}

    /**
     * Per-example softmax cross-entropy of logits [N, C] against integer labels in [0, C): a vector [N]
     * with l_i = logsumexp(z_i) − z_i[y_i], computed with the max subtracted so it never overflows.
     */
    public static Var softmaxCrossEntropy(Var scores, int[] labels) {
        Var logits = Ops.contiguous(scores);
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("logits must be [N, C], got " + Arrays.toString(logits.shape));
        }
        int n = logits.shape[0];
        int c = logits.shape[1];
        if (labels.length != n) {
            throw new IllegalArgumentException(labels.length + " labels for " + n + " rows of logits");
        }
        Tape tape = logits.tape;
        Var out = tape.result(tape.shape(n), logits);
        double[] p = tape.scratch(n * c);
        for (int i = 0; i < n; i++) {
            int y = labels[i];
            if (y < 0 || y >= c) {
                throw new IllegalArgumentException("label " + y + " at row " + i + " outside [0, " + c + ")");
            }
            int row = i * c;
            double max = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < c; j++) {
                max = Math.max(max, logits.v[row + j]);
            }
            double s = 0.0;
            for (int j = 0; j < c; j++) {
                double e = Math.exp(logits.v[row + j] - max);
                p[row + j] = e;
                s += e;
            }
            double inv = 1.0 / s;
            for (int j = 0; j < c; j++) {
                p[row + j] *= inv;
            }
            out.v[i] = Math.log(s) + max - logits.v[row + y];
        }
        // ṗ = p ⊙ (ż − pᵀż): needed for the tangent of the loss (via pᵀż) and of the adjoint.
        double[] pDot = null;
        if (logits.t != null) {
            pDot = tape.scratch(n * c);
            for (int i = 0; i < n; i++) {
                int row = i * c;
                double pz = 0.0;
                for (int j = 0; j < c; j++) {
                    pz += p[row + j] * logits.t[row + j];
                }
                for (int j = 0; j < c; j++) {
                    pDot[row + j] = p[row + j] * (logits.t[row + j] - pz);
                }
                out.t[i] = pz - logits.t[row + labels[i]];
            }
        }
        double[] pd = pDot;
        tape.record(out, () -> {
            tape.addingTo(logits);
            double[] zg = logits.g;
            for (int i = 0; i < n; i++) {
                int row = i * c;
                double gi = out.g[i];
                for (int j = 0; j < c; j++) {
                    zg[row + j] += gi * p[row + j];
                }
                zg[row + labels[i]] -= gi;
            }
            if (logits.gt != null) {
                double[] zgt = logits.gt;
                for (int i = 0; i < n; i++) {
                    int row = i * c;
                    double gi = out.g[i];
                    double gti = out.gt[i];
                    for (int j = 0; j < c; j++) {
                        zgt[row + j] += gti * p[row + j] + (pd != null ? gi * pd[row + j] : 0.0);
                    }
                    zgt[row + labels[i]] -= gti;
                }
            }
        });
        return out;
    }

    /** Mean softmax cross-entropy over the batch, a scalar. */
    public static Var meanSoftmaxCrossEntropy(Var logits, int[] labels) {
        return Ops.mean(softmaxCrossEntropy(logits, labels));
    }

    /**
     * Mean squared error over all elements, as PyTorch's {@code MSELoss}: mean((pred − target)²). The
     * target is data (no adjoint) and must have pred's number of elements.
     */
    public static Var mse(Var pred, double[] target) {
        if (target.length != pred.size) {
            throw new IllegalArgumentException(target.length + " targets for " + pred.size + " predictions");
        }
        Var t = pred.tape.constant(target, pred.shape);
        return Ops.mean(Ops.square(Ops.sub(pred, t)));
    }

    /** Per-example squared error summed over each row of pred [N, D]: a vector [N]. */
    public static Var squaredErrorPerExample(Var pred, double[] target) {
        if (target.length != pred.size) {
            throw new IllegalArgumentException(target.length + " targets for " + pred.size + " predictions");
        }
        int n = pred.shape[0];
        int d = pred.size / Math.max(1, n);
        Var sq = Ops.square(Ops.sub(pred, pred.tape.constant(target, pred.shape)));
        Var ones = pred.tape.constant(onesArray(d), d, 1);
        return Ops.reshape(Ops.matmul(Ops.reshape(sq, n, d), ones), n);
    }

    /**
     * Per-example binary cross-entropy of logits z [N] or [N, 1] against labels y ∈ {0, 1}: a vector [N]
     * with l_i = max(z_i, 0) − z_i·y_i + log(1 + e^{−|z_i|}), which equals −y·log σ(z) − (1 − y)·log(1 − σ(z))
     * but never overflows or takes the log of 0 (PyTorch's {@code BCEWithLogitsLoss}). l' = σ(z) − y and
     * l'' = σ(z)(1 − σ(z)), so its Hessian is exact and positive.
     */
    public static Var binaryCrossEntropyWithLogits(Var logits, int[] labels) {
        int n = logits.rank() == 0 ? 1 : logits.shape[0];
        if (logits.rank() > 2 || logits.size != n) {
            throw new IllegalArgumentException("binary cross-entropy needs one logit per example ([N] or [N, 1]), got "
                    + Arrays.toString(logits.shape));
        }
        if (labels.length != n) {
            throw new IllegalArgumentException(labels.length + " labels for " + n + " logits");
        }
        for (int i = 0; i < n; i++) {
            if (labels[i] != 0 && labels[i] != 1) {
                throw new IllegalArgumentException("label " + labels[i] + " at row " + i + " is not 0 or 1");
            }
        }
        Var z = logits.rank() == 1 ? logits : Ops.reshape(logits, n);
        return Ops.unary(z, (a, y, d1, d2, m) -> {
            for (int i = 0; i < m; i++) {
                double v = a[i];
                double s = Ops.sigmoid(v);
                y[i] = Math.max(v, 0.0) - v * labels[i] + Math.log1p(Math.exp(-Math.abs(v)));
                d1[i] = s - labels[i];
                if (d2 != null) {
                    d2[i] = s * (1.0 - s);
                }
            }
        });
    }

    /** Huber's threshold δ: quadratic inside |r| ≤ δ, linear outside (PyTorch's default, 1). */
    public static final double HUBER_DELTA = 1.0;

    /**
     * Element-wise Huber loss of residuals r: r²/2 where |r| ≤ 1, |r| − 1/2 outside (δ = 1, so it equals
     * PyTorch's {@code HuberLoss} and {@code SmoothL1Loss}). Continuously differentiable with
     * h' = clamp(r, −1, 1), but only piecewise twice differentiable: h'' is 1 inside and 0 outside, and
     * the Hessian-vector product is exact on either side of |r| = 1 (the kink has measure zero).
     */
    public static Var huber(Var residual) {
        return Ops.unary(residual, (a, y, d1, d2, n) -> {
            for (int i = 0; i < n; i++) {
                double r = a[i];
                boolean inside = Math.abs(r) <= HUBER_DELTA;
                y[i] = inside ? 0.5 * r * r : HUBER_DELTA * (Math.abs(r) - 0.5 * HUBER_DELTA);
                d1[i] = inside ? r : Math.copySign(HUBER_DELTA, r);
                if (d2 != null) {
                    d2[i] = inside ? 1.0 : 0.0;
                }
            }
        });
    }

    /**
     * The mean of each row of element-wise losses e [N, …]: a vector [N] whose mean is the mean of all
     * of e (each row has the same number of elements).
     */
    public static Var rowMeans(Var e) {
        int n = e.shape[0];
        int d = e.size / Math.max(1, n);
        Var ones = e.tape.constant(constantArray(d, 1.0 / d), d, 1);
        return Ops.reshape(Ops.matmul(Ops.reshape(e, n, d), ones), n);
    }

    /**
     * Σ_i weights_i · losses_i / Σ_i weights_i: a per-example weighted loss normalised by the batch's total
     * weight, as Meta-Weight-Net's (Shu et al.'s implementation normalises in-batch). The normalisation keeps
     * the loss a convex combination of per-example losses, so a weighting that grows uniformly cannot raise
     * the inner loop's effective learning rate. Weights must have a positive sum.
     */
    public static Var weightedMean(Var losses, Var weights) {
        return Ops.mul(Ops.dot(losses, weights), Ops.reciprocal(Ops.sum(weights)));
    }

    private static double[] onesArray(int d) {
        return constantArray(d, 1.0);
    }

    private static double[] constantArray(int d, double value) {
        double[] a = new double[d];
        Arrays.fill(a, value);
        return a;
    }
}
