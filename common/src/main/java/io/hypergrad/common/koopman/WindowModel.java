package io.hypergrad.common.koopman;

import java.util.List;

/**
 * The fitted model of one or more windows of local hypergradients (design §4.1, steps 1–4): SVD
 * compression z_t = U₁ᵀh_t, optional delay embedding with a second SVD s_t = U₂ᵀ[z_{t−d+1}; …; z_t],
 * and an affine map s_{t+1} = A s_t + c fitted by least squares to the snapshot pairs of every window
 * (a pair never spans two windows), with A = W M W⁻¹.
 *
 * <p>{@link #change} predicts how far the newest hypergradient moves in R more steps, mode by mode:
 * in modal coordinates y = W⁻¹s, y_∞ = (W⁻¹c)/(1 − μ) and y_{K+R} = y_∞ + μ^R (y_K − y_∞) for an
 * extrapolated mode; a frozen mode keeps its value. The affine constant carries the fixed point, so no
 * eigenvalue has to come out as exactly 1.
 *
 * <p>Complex arithmetic is done by hand: LAPACK packs a conjugate pair (j, j+1) as the real columns
 * (Re w_j, Im w_j); for a real vector v the coordinates satisfy y_j = (α_j − iα_{j+1})/2 with α the
 * solution of the real system P α = v on the packed columns P, and the pair contributes
 * 2 Re(w_j · coefficient_j).
 */
final class WindowModel {
    /** Least-squares cut-off of the affine fit: the rank rule already dropped σ/σ₁ below 1e-10. */
    private static final double FIT_RCOND = 1e-12;
    /** Cut-off when solving with the eigenvector matrix; only exactly defective A comes near it. */
    private static final double MODAL_RCOND = 1e-14;

    final int dim;
    final int delays;
    /** Rank kept by the first SVD (the compressed dimension of h). */
    final int compressedRank;
    /** Dimension r of the fitted state s. */
    final int rank;
    private final double[] u1;
    private final double[] u2;
    private final RealEigen eigen;
    private final ThinSvd modal;
    private final double[] c;

    private WindowModel(int dim, int delays, int compressedRank, int rank, double[] u1, double[] u2,
                        RealEigen eigen, double[] c) {
        this.dim = dim;
        this.delays = delays;
        this.compressedRank = compressedRank;
        this.rank = rank;
        this.u1 = u1;
        this.u2 = u2;
        this.eigen = eigen;
        this.c = c;
        this.modal = rank == 0 ? null : ThinSvd.of(eigen.vr, rank, rank);
    }

    /**
     * Fits windows of equal dimension with {@code delays} delays.
     *
     * @return the model; {@link #rank} 0 when the SVD kept nothing
     * @throws ArithmeticException if LAPACK fails
     */
    static WindowModel fit(List<Trajectory> windows, int delays) {
        int q = windows.get(0).dim();
        int columns = 0;
        int pairs = 0;
        for (Trajectory w : windows) {
            columns += w.steps();
            pairs += w.steps() - delays;
        }
        // The rank cap counts one window's pairs: pooling windows lowers the noise of the fit, it does not
        // make a window's dynamics richer (counting all pairs let noise directions in: rank 47 of 200
        // for 16 pooled noisy windows, against 14 for one).
        int windowPairs = windows.get(0).steps() - delays;
        // 1. Compress: the trajectories' row-major data is the column-major q × K matrix [h_t].
        double[] h = new double[q * columns];
        int offset = 0;
        for (Trajectory w : windows) {
            double[] flat = w.toFlat();
            System.arraycopy(flat, 0, h, offset, flat.length);
            offset += flat.length;
        }
        ThinSvd first = ThinSvd.of(h, q, columns);
        // With delays (q small) the threshold is applied to the Hankel matrix, where a noise bulk exists.
        int r1 = RankRule.rank(first.s, q, columns, windowPairs, delays == 1);
        if (r1 == 0) {
            return new WindowModel(q, delays, 0, 0, null, null, null, null);
        }
        double[] z = leading(first, r1, columns);
        double[] u1 = java.util.Arrays.copyOf(first.u, q * r1);

        // 2. Delays: Hankel-embed each window's z and compress again.
        double[] s = z;
        double[] u2 = null;
        int r = r1;
        int snapshots = columns;
        if (delays > 1) {
            int n = r1 * delays;
            snapshots = columns - windows.size() * (delays - 1);
            double[] x = new double[n * snapshots];
            int col = 0;
            int start = 0;
            for (Trajectory w : windows) {
                for (int i = 0; i + delays <= w.steps(); i++, col++) {
                    System.arraycopy(z, (start + i) * r1, x, col * n, n);
                }
                start += w.steps();
            }
            ThinSvd second = ThinSvd.of(x, n, snapshots);
            r = RankRule.rank(second.s, n, snapshots, windowPairs, true);
            if (r == 0) {
                return new WindowModel(q, delays, r1, 0, u1, null, null, null);
            }
            s = leading(second, r, snapshots);
            u2 = java.util.Arrays.copyOf(second.u, n * r);
        }

        // 3. Affine least squares over the pairs inside each window: rows [s_tᵀ 1] → s_{t+1}.
        double[] design = new double[pairs * (r + 1)];
        double[] next = new double[pairs * r];
        int p = 0;
        int col = 0;
        for (Trajectory w : windows) {
            int m = w.steps() - delays + 1;
            for (int j = 0; j + 1 < m; j++, p++) {
                for (int i = 0; i < r; i++) {
                    design[i * pairs + p] = s[(col + j) * r + i];
                    next[i * pairs + p] = s[(col + j + 1) * r + i];
                }
                design[r * pairs + p] = 1.0;
            }
            col += m;
        }
        ThinSvd ls = ThinSvd.of(design, pairs, r + 1);
        double[] a = new double[r * r];
        double[] c = new double[r];
        for (int i = 0; i < r; i++) {
            double[] theta = ls.solve(java.util.Arrays.copyOfRange(next, i * pairs, (i + 1) * pairs), FIT_RCOND);
            for (int k = 0; k < r; k++) {
                a[k * r + i] = theta[k];
            }
            c[i] = theta[r];
        }
        // 4. Eigen-decomposition.
        return new WindowModel(q, delays, r1, r, u1, u2, RealEigen.of(a, r), c);
    }

    /** diag(σ_1..σ_r)·(first r rows of Vᵀ): the r × cols coordinates U_rᵀX, column-major. */
    private static double[] leading(ThinSvd svd, int r, int cols) {
        double[] out = new double[r * cols];
        for (int j = 0; j < cols; j++) {
            for (int i = 0; i < r; i++) {
                out[j * r + i] = svd.s[i] * svd.vt[j * svd.k + i];
            }
        }
        return out;
    }

    /** The state s_K of the window's newest step (the window needs at least {@link #delays} steps). */
    double[] state(Trajectory window) {
        int r1 = compressedRank;
        int k = window.steps();
        double[] x = new double[r1 * delays];
        for (int b = 0; b < delays; b++) {
            double[] ht = window.step(k - delays + b);
            for (int i = 0; i < r1; i++) {
                double dot = 0;
                for (int row = 0; row < dim; row++) {
                    dot += u1[i * dim + row] * ht[row];
                }
                x[b * r1 + i] = dot;
            }
        }
        if (u2 == null) {
            return x;
        }
        int n = r1 * delays;
        double[] s = new double[rank];
        for (int i = 0; i < rank; i++) {
            double dot = 0;
            for (int row = 0; row < n; row++) {
                dot += u2[i * n + row] * x[row];
            }
            s[i] = dot;
        }
        return s;
    }

    /** Eigenvalues of A: real and imaginary parts (copies). */
    double[] eigenReal() {
        return rank == 0 ? new double[0] : eigen.re.clone();
    }

    double[] eigenImaginary() {
        return rank == 0 ? new double[0] : eigen.im.clone();
    }

    /** |y_j|·‖w_j‖ of each mode at state s: its share of that state (equal within a conjugate pair). */
    double[] energies(double[] s) {
        double[] alpha = modal.solve(s, MODAL_RCOND);
        double[] e = new double[rank];
        for (int j = 0; j < rank; j++) {
            if (eigen.im[j] > 0 && j + 1 < rank) {
                double norm = Math.sqrt(columnNorm2(j) + columnNorm2(j + 1));
                e[j] = 0.5 * Math.hypot(alpha[j], alpha[j + 1]) * norm; // |y_j| = |α_j − iα_{j+1}|/2
                e[j + 1] = e[j];
                j++;
            } else {
                e[j] = Math.abs(alpha[j]) * Math.sqrt(columnNorm2(j));
            }
        }
        return e;
    }

    private double columnNorm2(int j) {
        double n2 = 0;
        for (int i = 0; i < rank; i++) {
            n2 += eigen.vr[j * rank + i] * eigen.vr[j * rank + i];
        }
        return n2;
    }

    /**
     * The predicted change h_{K+R} − h_K of the newest hypergradient, in ℝ^q, moving only the modes
     * with {@code extrapolated[j]}; the others stay frozen at their value at step K.
     *
     * @param s            the state s_K
     * @param horizon      R ≥ 0; {@link Long#MAX_VALUE} is the limit R → ∞
     * @param extrapolated per mode; conjugate partners must agree; never true for |μ| ≥ 1
     */
    double[] change(double[] s, long horizon, boolean[] extrapolated) {
        double[] alpha = modal.solve(s, MODAL_RCOND);
        double[] beta = modal.solve(c, MODAL_RCOND);
        double[] ds = new double[rank];
        for (int j = 0; j < rank; j++) {
            boolean pair = eigen.im[j] > 0 && j + 1 < rank;
            if (extrapolated[j]) {
                double mr = eigen.re[j];
                double mi = pair ? eigen.im[j] : 0;
                // y_K and W⁻¹c for this mode (complex for a pair).
                double yr = pair ? 0.5 * alpha[j] : alpha[j];
                double yi = pair ? -0.5 * alpha[j + 1] : 0;
                double br = pair ? 0.5 * beta[j] : beta[j];
                double bi = pair ? -0.5 * beta[j + 1] : 0;
                // y_∞ = b / (1 − μ)
                double dr = 1 - mr;
                double di = -mi;
                double den = dr * dr + di * di;
                double infR = (br * dr + bi * di) / den;
                double infI = (bi * dr - br * di) / den;
                // coefficient = (y_∞ − y_K)(1 − μ^R)
                double[] pw = power(mr, mi, horizon);
                double gr = infR - yr;
                double gi = infI - yi;
                double fr = 1 - pw[0];
                double fi = -pw[1];
                double kr = gr * fr - gi * fi;
                double ki = gr * fi + gi * fr;
                for (int i = 0; i < rank; i++) {
                    if (pair) {
                        // 2 Re((Re w + i Im w)(kr + i ki))
                        ds[i] += 2 * (eigen.vr[j * rank + i] * kr - eigen.vr[(j + 1) * rank + i] * ki);
                    } else {
                        ds[i] += eigen.vr[j * rank + i] * kr;
                    }
                }
            }
            if (pair) {
                j++;
            }
        }
        return readOut(ds);
    }

    /** Maps a state change to the change of the newest hypergradient: U₁ · (newest block of U₂ Δs). */
    private double[] readOut(double[] ds) {
        int r1 = compressedRank;
        double[] dz;
        if (u2 == null) {
            dz = ds;
        } else {
            int n = r1 * delays;
            dz = new double[r1];
            for (int i = 0; i < r1; i++) {
                int row = (delays - 1) * r1 + i;
                double v = 0;
                for (int k = 0; k < rank; k++) {
                    v += u2[k * n + row] * ds[k];
                }
                dz[i] = v;
            }
        }
        double[] dh = new double[dim];
        for (int k = 0; k < r1; k++) {
            for (int row = 0; row < dim; row++) {
                dh[row] += u1[k * dim + row] * dz[k];
            }
        }
        return dh;
    }

    /** μ^R as (re, im); |μ| &lt; 1 is assumed (only such modes are extrapolated), so μ^∞ = 0. */
    static double[] power(double re, double im, long k) {
        if (k == 0) {
            return new double[] {1, 0};
        }
        if (im == 0) {
            return new double[] {Math.pow(re, k), 0};
        }
        double scale = Math.pow(Math.hypot(re, im), k);
        if (scale == 0) {
            return new double[] {0, 0};
        }
        double angle = Math.atan2(im, re) * k;
        return new double[] {scale * Math.cos(angle), scale * Math.sin(angle)};
    }
}
