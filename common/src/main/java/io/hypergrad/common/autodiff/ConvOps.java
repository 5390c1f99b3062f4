package io.hypergrad.common.autodiff;

import io.hypergrad.common.linalg.Blas;
import java.util.Arrays;

/**
 * 2-D convolution (cross-correlation, as PyTorch's {@code conv2d}) by im2col and one GEMM per example,
 * with exact tangents and adjoint tangents. The im2col matrices of the forward pass are kept on the tape
 * for the backward pass (pooled, so a repeated recording reuses them).
 */
public final class ConvOps {
    private ConvOps() {}

    /** Geometry of one convolution. */
    private record Geometry(int n, int c, int h, int w, int o, int kh, int kw, int stride, int pad, int ho, int wo) {
        int ck() {
            return c * kh * kw;
        }

        int hw() {
            return ho * wo;
        }
    }

    /**
     * x [N, C, H, W] ⋆ w [O, C, kh, kw] (+ b [O]) → [N, O, Ho, Wo], Ho = (H + 2·pad − kh)/stride + 1.
     *
     * @param b the bias, or null for none
     */
    public static Var conv2d(Var x, Var w, Var b, int stride, int pad) {
        if (x.rank() != 4 || w.rank() != 4) {
            throw new IllegalArgumentException("conv2d needs x [N, C, H, W] and w [O, C, kh, kw], got "
                    + Arrays.toString(x.shape) + " and " + Arrays.toString(w.shape));
        }
        if (w.shape[1] != x.shape[1]) {
            throw new IllegalArgumentException("conv2d: x has " + x.shape[1] + " channels, w expects " + w.shape[1]);
        }
        if (stride < 1 || pad < 0) {
            throw new IllegalArgumentException("conv2d: stride must be ≥ 1 and padding ≥ 0, got " + stride + ", " + pad);
        }
        int n = x.shape[0], c = x.shape[1], h = x.shape[2], wd = x.shape[3];
        int o = w.shape[0], kh = w.shape[2], kw = w.shape[3];
        int ho = (h + 2 * pad - kh) / stride + 1;
        int wo = (wd + 2 * pad - kw) / stride + 1;
        if (ho < 1 || wo < 1) {
            throw new IllegalArgumentException("conv2d: kernel " + kh + "×" + kw + " does not fit input " + h + "×" + wd + " with padding " + pad);
        }
        if (b != null && b.size != o) {
            throw new IllegalArgumentException("conv2d: bias of size " + b.size + " for " + o + " output channels");
        }
        Geometry g = new Geometry(n, c, h, wd, o, kh, kw, stride, pad, ho, wo);
        Tape tape = x.tape;
        Var out = b == null ? tape.resultOfViews(new int[] {n, o, ho, wo}, x, w)
                : tape.resultOfViews(new int[] {n, o, ho, wo}, x, w, b);
        // Every operand is read from its own offset: the weights and bias may view a flat vector.
        int xo = x.off, wOff = w.off, bOff = b == null ? 0 : b.off;
        int ck = g.ck(), hw = g.hw();
        int inSize = c * h * wd;
        int outSize = o * hw;
        double[] cols = tape.scratch(n * ck * hw);
        for (int e = 0; e < n; e++) {
            im2col(x.v, xo + e * inSize, g, cols, e * ck * hw);
            Blas.gemm(false, false, o, hw, ck, 1.0, w.v, wOff, cols, e * ck * hw, 0.0, out.v, e * outSize);
        }
        if (b != null) {
            addBias(out.v, b.v, bOff, n, o, hw);
        }
        double[] colsT = null;
        if (out.t != null) {
            Arrays.fill(out.t, 0.0);
            if (x.t != null) {
                colsT = tape.scratch(n * ck * hw);
            }
            for (int e = 0; e < n; e++) {
                if (w.t != null) {
                    Blas.gemm(false, false, o, hw, ck, 1.0, w.t, wOff, cols, e * ck * hw, 1.0, out.t, e * outSize);
                }
                if (colsT != null) {
                    im2col(x.t, xo + e * inSize, g, colsT, e * ck * hw);
                    Blas.gemm(false, false, o, hw, ck, 1.0, w.v, wOff, colsT, e * ck * hw, 1.0, out.t, e * outSize);
                }
            }
            if (b != null && b.t != null) {
                addBias(out.t, b.t, bOff, n, o, hw);
            }
        }
        double[] ct = colsT;
        tape.record(out, () -> backward(x, w, b, out, g, cols, ct));
        return out;
    }

    private static void backward(Var x, Var w, Var b, Var out, Geometry g, double[] cols, double[] colsT) {
        Tape tape = x.tape;
        int n = g.n(), o = g.o(), ck = g.ck(), hw = g.hw();
        int inSize = g.c() * g.h() * g.w();
        int outSize = o * hw;
        int xo = x.off, wOff = w.off;
        tape.addingTo(x);
        tape.addingTo(w);
        if (b != null) {
            tape.addingTo(b);
        }
        double[] dcols = (x.g != null) ? tape.scratch(ck * hw) : null;
        for (int e = 0; e < n; e++) {
            int yo = e * outSize;
            int co = e * ck * hw;
            if (w.g != null) {
                Blas.gemm(false, true, o, ck, hw, 1.0, out.g, yo, cols, co, 1.0, w.g, wOff);
                if (w.gt != null) {
                    Blas.gemm(false, true, o, ck, hw, 1.0, out.gt, yo, cols, co, 1.0, w.gt, wOff);
                    if (colsT != null) {
                        Blas.gemm(false, true, o, ck, hw, 1.0, out.g, yo, colsT, co, 1.0, w.gt, wOff);
                    }
                }
            }
            if (x.g != null) {
                Blas.gemm(true, false, ck, hw, o, 1.0, w.v, wOff, out.g, yo, 0.0, dcols, 0);
                col2im(dcols, g, x.g, xo + e * inSize);
                if (x.gt != null) {
                    Blas.gemm(true, false, ck, hw, o, 1.0, w.v, wOff, out.gt, yo, 0.0, dcols, 0);
                    if (w.t != null) {
                        Blas.gemm(true, false, ck, hw, o, 1.0, w.t, wOff, out.g, yo, 1.0, dcols, 0);
                    }
                    col2im(dcols, g, x.gt, xo + e * inSize);
                }
            }
        }
        if (b != null && b.g != null) {
            sumBias(out.g, b.g, b.off, n, o, hw);
            if (b.gt != null) {
                sumBias(out.gt, b.gt, b.off, n, o, hw);
            }
        }
    }

    /** cols[(ci·kh + i)·kw + j][oy·wo + ox] = x[ci][oy·s − p + i][ox·s − p + j] (0 outside). */
    static void im2col(double[] x, int xOff, Geometry g, double[] cols, int cOff) {
        int h = g.h(), wd = g.w(), ho = g.ho(), wo = g.wo(), s = g.stride(), p = g.pad();
        int row = 0;
        for (int ci = 0; ci < g.c(); ci++) {
            int plane = xOff + ci * h * wd;
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++) {
                    int dst = cOff + row * ho * wo;
                    for (int oy = 0; oy < ho; oy++) {
                        int iy = oy * s - p + i;
                        int d = dst + oy * wo;
                        if (iy < 0 || iy >= h) {
                            Arrays.fill(cols, d, d + wo, 0.0);
                            continue;
                        }
                        int src = plane + iy * wd;
                        for (int ox = 0; ox < wo; ox++) {
                            int ix = ox * s - p + j;
                            cols[d + ox] = (ix < 0 || ix >= wd) ? 0.0 : x[src + ix];
                        }
                    }
                    row++;
                }
            }
        }
    }

    /** The adjoint of im2col: x[…] += cols[…] for every position each input element was copied to. */
    static void col2im(double[] cols, Geometry g, double[] x, int xOff) {
        int h = g.h(), wd = g.w(), ho = g.ho(), wo = g.wo(), s = g.stride(), p = g.pad();
        int row = 0;
        for (int ci = 0; ci < g.c(); ci++) {
            int plane = xOff + ci * h * wd;
            for (int i = 0; i < g.kh(); i++) {
                for (int j = 0; j < g.kw(); j++) {
                    int src = row * ho * wo;
                    for (int oy = 0; oy < ho; oy++) {
                        int iy = oy * s - p + i;
                        if (iy < 0 || iy >= h) {
                            continue;
                        }
                        int dst = plane + iy * wd;
                        int c0 = src + oy * wo;
                        for (int ox = 0; ox < wo; ox++) {
                            int ix = ox * s - p + j;
                            if (ix >= 0 && ix < wd) {
                                x[dst + ix] += cols[c0 + ox];
                            }
                        }
                    }
                    row++;
                }
            }
        }
    }

    private static void addBias(double[] y, double[] b, int bOff, int n, int o, int hw) {
        for (int e = 0; e < n; e++) {
            for (int k = 0; k < o; k++) {
                int off = (e * o + k) * hw;
                double bk = b[bOff + k];
                for (int i = 0; i < hw; i++) {
                    y[off + i] += bk;
                }
            }
        }
    }

    private static void sumBias(double[] g, double[] acc, int accOff, int n, int o, int hw) {
        for (int e = 0; e < n; e++) {
            for (int k = 0; k < o; k++) {
                int off = (e * o + k) * hw;
                double s = 0;
                for (int i = 0; i < hw; i++) {
                    s += g[off + i];
                }
                acc[accOff + k] += s;
            }
        }
    }
}
