package io.hypergrad.common.autodiff;

/**
 * Batch normalisation in training mode (batch statistics, biased variance, as PyTorch normalises), one
 * fused op with hand-derived rules. Per channel, over the m positions of the other axes:
 * <pre>
 *   x̂ = (x − μ)·r,  r = (σ² + ε)^(−1/2),  y = γ·x̂ + β
 *   tangent:  s = mean(x̂·ẋ),  x̂̇ = r·(ẋ − mean(ẋ) − x̂·s),  ẏ = γ̇·x̂ + γ·x̂̇ + β̇
 *   adjoint:  ĝ = γ·ȳ,  x̄ = r·(ĝ − mean(ĝ) − x̂·mean(ĝ·x̂)),  γ̄ = Σ ȳ·x̂,  β̄ = Σ ȳ
 *   adjoint tangent: differentiate the adjoint along the tangent, with ṙ = −r²·s:
 *     ĝ̇ = γ·ȳ̇ + γ̇·ȳ,  x̄̇ = −r·s·x̄ + r·(ĝ̇ − mean(ĝ̇) − x̂̇·mean(ĝ·x̂) − x̂·mean(ĝ̇·x̂ + ĝ·x̂̇))
 * </pre>
 * The tests check it against finite differences and against the same function composed of primitives.
 */
public final class Norm {
    private Norm() {}

    /** Batch norm over every axis but the channel axis 1, for [N, C] or [N, C, H, W]. */
    public static Var batchNorm(Var input, Var scale, Var shift, double eps) {
        Var x = Ops.contiguous(input);
        Var gamma = Ops.contiguous(scale);
        Var beta = Ops.contiguous(shift);
        if (x.rank() < 2) {
            throw new IllegalArgumentException("batchNorm needs [N, C, …], got rank " + x.rank());
        }
        int n = x.shape[0];
        int c = x.shape[1];
        if (gamma.size != c || beta.size != c) {
            throw new IllegalArgumentException("batchNorm: γ and β need " + c + " values, got " + gamma.size + " and " + beta.size);
        }
        int hw = x.size / (n * c);
        int m = n * hw;
        Tape tape = x.tape;
        Var out = tape.result(x.shape, x, gamma, beta);
        double[] xhat = tape.scratch(x.size);
        double[] r = tape.scratch(c);
        for (int ch = 0; ch < c; ch++) {
            double mu = 0;
            for (int e = 0; e < n; e++) {
                int o = (e * c + ch) * hw;
                for (int i = 0; i < hw; i++) {
                    mu += x.v[o + i];
                }
            }
            mu /= m;
            double var = 0;
            for (int e = 0; e < n; e++) {
                int o = (e * c + ch) * hw;
                for (int i = 0; i < hw; i++) {
                    double d = x.v[o + i] - mu;
                    xhat[o + i] = d;
                    var += d * d;
                }
            }
            double rc = 1.0 / Math.sqrt(var / m + eps);
            r[ch] = rc;
            double g = gamma.v[ch];
            double b = beta.v[ch];
            for (int e = 0; e < n; e++) {
                int o = (e * c + ch) * hw;
                for (int i = 0; i < hw; i++) {
                    double xh = xhat[o + i] * rc;
                    xhat[o + i] = xh;
                    out.v[o + i] = g * xh + b;
                }
            }
        }
        // Tangent of x̂ (when x has one) and its per-channel s = mean(x̂·ẋ): needed forward and backward.
        double[] xhatT = x.t != null ? tape.scratch(x.size) : null;
        double[] s = x.t != null ? tape.scratch(c) : null;
        if (x.t != null) {
            for (int ch = 0; ch < c; ch++) {
                double mt = 0;
                double sx = 0;
                for (int e = 0; e < n; e++) {
                    int o = (e * c + ch) * hw;
                    for (int i = 0; i < hw; i++) {
                        mt += x.t[o + i];
                        sx += xhat[o + i] * x.t[o + i];
                    }
                }
                mt /= m;
                sx /= m;
                s[ch] = sx;
                double rc = r[ch];
                for (int e = 0; e < n; e++) {
                    int o = (e * c + ch) * hw;
                    for (int i = 0; i < hw; i++) {
                        xhatT[o + i] = rc * (x.t[o + i] - mt - xhat[o + i] * sx);
                    }
                }
            }
        }
        if (out.t != null) {
            for (int ch = 0; ch < c; ch++) {
                double g = gamma.v[ch];
                double gt = gamma.t != null ? gamma.t[ch] : 0.0;
                double bt = beta.t != null ? beta.t[ch] : 0.0;
                for (int e = 0; e < n; e++) {
                    int o = (e * c + ch) * hw;
                    for (int i = 0; i < hw; i++) {
                        out.t[o + i] = gt * xhat[o + i] + (xhatT != null ? g * xhatT[o + i] : 0.0) + bt;
                    }
                }
            }
        }
        tape.record(out, () -> backward(x, gamma, beta, out, xhat, xhatT, r, s, n, c, hw));
        return out;
    }

    private static void backward(Var x, Var gamma, Var beta, Var out, double[] xhat, double[] xhatT, double[] r, double[] s,
                                 int n, int c, int hw) {
        int m = n * hw;
        Tape tape = x.tape;
        tape.addingTo(x);
        tape.addingTo(gamma);
        tape.addingTo(beta);
        double[] yg = out.g;
        double[] ygt = out.gt;
        for (int ch = 0; ch < c; ch++) {
            double g = gamma.v[ch];
            double gt = gamma.t != null ? gamma.t[ch] : 0.0;
            double sumY = 0, sumYX = 0, sumYt = 0, sumYtX = 0, sumYXt = 0;
            for (int e = 0; e < n; e++) {
                int o = (e * c + ch) * hw;
                for (int i = 0; i < hw; i++) {
                    double y = yg[o + i];
                    sumY += y;
                    sumYX += y * xhat[o + i];
                    if (ygt != null) {
                        sumYt += ygt[o + i];
                        sumYtX += ygt[o + i] * xhat[o + i];
                        if (xhatT != null) {
                            sumYXt += y * xhatT[o + i];
                        }
                    }
                }
            }
            if (beta.g != null) {
                beta.g[ch] += sumY;
                if (beta.gt != null) {
                    beta.gt[ch] += sumYt;
                }
            }
            if (gamma.g != null) {
                gamma.g[ch] += sumYX;
                if (gamma.gt != null) {
                    gamma.gt[ch] += sumYtX + sumYXt;
                }
            }
            if (x.g == null) {
                continue;
            }
            double rc = r[ch];
            // ĝ = γȳ: mean(ĝ) = γ·sumY/m, mean(ĝ·x̂) = γ·sumYX/m.
            double a = g * sumY / m;
            double b = g * sumYX / m;
            for (int e = 0; e < n; e++) {
                int o = (e * c + ch) * hw;
                for (int i = 0; i < hw; i++) {
                    x.g[o + i] += rc * (g * yg[o + i] - a - xhat[o + i] * b);
                }
            }
            if (x.gt == null) {
                continue;
            }
            // ĝ̇ = γȳ̇ + γ̇ȳ; ȧ = mean(ĝ̇); ḃ = mean(ĝ̇·x̂ + ĝ·x̂̇); ṙ/r = −r·s.
            double aDot = (g * sumYt + gt * sumY) / m;
            double bDot = (g * sumYtX + gt * sumYX + g * sumYXt) / m;
            double sc = s != null ? s[ch] : 0.0;
            for (int e = 0; e < n; e++) {
                int o = (e * c + ch) * hw;
                for (int i = 0; i < hw; i++) {
                    double xb = rc * (g * yg[o + i] - a - xhat[o + i] * b);
                    double gDot = (ygt != null ? g * ygt[o + i] : 0.0) + gt * yg[o + i];
                    double xht = xhatT != null ? xhatT[o + i] : 0.0;
                    x.gt[o + i] += -rc * sc * xb + rc * (gDot - aDot - xht * b - xhat[o + i] * bDot);
                }
            }
        }
    }
}
