package io.hypergrad.common.autodiff;

import java.util.Arrays;

/**
 * Max- and average-pooling over k×k windows of an [N, C, H, W] tensor (no padding; the output size is
 * floored, as PyTorch's). Both are piecewise linear, so their adjoint tangents are the adjoint rule
 * applied to the adjoint's tangent.
 */
public final class PoolOps {
    private PoolOps() {}

    private static int[] outShape(Var x, int k, int stride, String op) {
        if (x.rank() != 4) {
            throw new IllegalArgumentException(op + " needs [N, C, H, W], got " + Arrays.toString(x.shape));
        }
        if (k < 1 || stride < 1 || k > x.shape[2] || k > x.shape[3]) {
            throw new IllegalArgumentException(op + ": window " + k + " with stride " + stride + " does not fit "
                    + x.shape[2] + "×" + x.shape[3]);
        }
        return new int[] {x.shape[0], x.shape[1], (x.shape[2] - k) / stride + 1, (x.shape[3] - k) / stride + 1};
    }

    /** Max over each window; ties go to the first maximum in row-major order. */
    public static Var maxPool2d(Var input, int k, int stride) {
        Var x = Ops.contiguous(input);
        int[] os = outShape(x, k, stride, "maxPool2d");
        Tape tape = x.tape;
        Var out = tape.result(os, x);
        int planes = os[0] * os[1], h = x.shape[2], w = x.shape[3], ho = os[2], wo = os[3];
        // Argmax positions as doubles (exact below 2^53) in pooled scratch: no int[] churn per step.
        double[] arg = tape.scratch(out.size);
        for (int pl = 0; pl < planes; pl++) {
            int in = pl * h * w;
            int o = pl * ho * wo;
            for (int oy = 0; oy < ho; oy++) {
                for (int ox = 0; ox < wo; ox++) {
                    long best = in + oy * stride * w + ox * stride;
                    double bv = x.v[(int) best];
                    for (int i = 0; i < k; i++) {
                        int rowOff = in + (oy * stride + i) * w + ox * stride;
                        for (int j = 0; j < k; j++) {
                            // Selected through the sign bit of bv − v, not a branch: which element wins
                            // is random and a branch mispredicts (measured 2× slower). A strictly larger
                            // v wins, so ties keep the first maximum.
                            double v = x.v[rowOff + j];
                            long take = Double.doubleToRawLongBits(bv - v) >> 63;
                            best = (take & (rowOff + j)) | (~take & best);
                            bv = Double.longBitsToDouble((take & Double.doubleToRawLongBits(v)) | (~take & Double.doubleToRawLongBits(bv)));
                        }
                    }
                    out.v[o + oy * wo + ox] = bv;
                    arg[o + oy * wo + ox] = best;
                }
            }
        }
        if (out.t != null) {
            for (int i = 0; i < out.size; i++) {
                out.t[i] = x.t[(int) arg[i]];
            }
        }
        tape.record(out, () -> {
            tape.addingTo(x);
            for (int i = 0; i < out.size; i++) {
                x.g[(int) arg[i]] += out.g[i];
            }
            if (x.gt != null) {
                for (int i = 0; i < out.size; i++) {
                    x.gt[(int) arg[i]] += out.gt[i];
                }
            }
        });
        return out;
    }

    /** Mean over each window. */
    public static Var avgPool2d(Var input, int k, int stride) {
        Var x = Ops.contiguous(input);
        int[] os = outShape(x, k, stride, "avgPool2d");
        Tape tape = x.tape;
        Var out = tape.result(os, x);
        int planes = os[0] * os[1], h = x.shape[2], w = x.shape[3], ho = os[2], wo = os[3];
        double inv = 1.0 / (k * k);
        average(x.v, out.v, planes, h, w, ho, wo, k, stride, inv);
        if (out.t != null) {
            average(x.t, out.t, planes, h, w, ho, wo, k, stride, inv);
        }
        tape.record(out, () -> {
            tape.addingTo(x);
            spread(out.g, x.g, planes, h, w, ho, wo, k, stride, inv);
            if (x.gt != null) {
                spread(out.gt, x.gt, planes, h, w, ho, wo, k, stride, inv);
            }
        });
        return out;
    }

    private static void average(double[] x, double[] y, int planes, int h, int w, int ho, int wo, int k, int s, double inv) {
        for (int pl = 0; pl < planes; pl++) {
            for (int oy = 0; oy < ho; oy++) {
                for (int ox = 0; ox < wo; ox++) {
                    double sum = 0;
                    for (int i = 0; i < k; i++) {
                        int r = pl * h * w + (oy * s + i) * w + ox * s;
                        for (int j = 0; j < k; j++) {
                            sum += x[r + j];
                        }
                    }
                    y[(pl * ho + oy) * wo + ox] = sum * inv;
                }
            }
        }
    }

    private static void spread(double[] gy, double[] gx, int planes, int h, int w, int ho, int wo, int k, int s, double inv) {
        for (int pl = 0; pl < planes; pl++) {
            for (int oy = 0; oy < ho; oy++) {
                for (int ox = 0; ox < wo; ox++) {
                    double gv = gy[(pl * ho + oy) * wo + ox] * inv;
                    for (int i = 0; i < k; i++) {
                        int r = pl * h * w + (oy * s + i) * w + ox * s;
                        for (int j = 0; j < k; j++) {
                            gx[r + j] += gv;
                        }
                    }
                }
            }
        }
    }
}
