package io.hypergrad.common.autodiff;

import java.util.Arrays;

/** Loss functions, fused where fusing keeps them stable and exact. */
public final class Losses {
    private Losses() {}

    /**
     * Per-example softmax cross-entropy of logits [N, C] against integer labels in [0, C): a vector [N]
     * with l_i = logsumexp(z_i) − z_i[y_i], computed with the max subtracted so it never overflows.
     */
    public static Var softmaxCrossEntropy(Var logits, int[] labels) {
        if (logits.rank() != 2) {
            throw new IllegalArgumentException("logits must be [N, C], got " + Arrays.toString(logits.shape));
        }
        int n = logits.shape[0];
        int c = logits.shape[1];
        if (labels.length != n) {
            throw new IllegalArgumentException(labels.length + " labels for " + n + " rows of logits");
        }
        Tape tape = logits.tape;
        Var out = tape.result(new int[] {n}, logits);
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
     * Σ_i weights_i · losses_i / Σ_i weights_i: a per-example weighted loss normalised by the batch's total
     * weight, as Meta-Weight-Net's (Shu et al.'s implementation normalises in-batch). The normalisation keeps
     * the loss a convex combination of per-example losses, so a weighting that grows uniformly cannot raise
     * the inner loop's effective learning rate. Weights must have a positive sum.
     */
    public static Var weightedMean(Var losses, Var weights) {
        return Ops.mul(Ops.dot(losses, weights), Ops.reciprocal(Ops.sum(weights)));
    }

    private static double[] onesArray(int d) {
        double[] a = new double[d];
        Arrays.fill(a, 1.0);
        return a;
    }
}
