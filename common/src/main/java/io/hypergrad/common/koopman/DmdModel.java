package io.hypergrad.common.koopman;

import dev.ludovic.netlib.blas.BLAS;

/**
 * An exact-DMD model (Tu et al. 2014) of a sequence of snapshots x_1..x_m, anchored at the last one:
 * x_{m+k} ≈ Σ_j b_j μ_j^k φ_j.
 *
 * <p>Fit: X = [x_1 … x_{m−1}], Y = [x_2 … x_m]; X = U Σ Vᵀ (thin, truncated to rank r);
 * Ã = Uᵣᵀ Y Vᵣ Σᵣ⁻¹; Ã W = W Λ (dgeev); exact modes Φ = Y Vᵣ Σᵣ⁻¹ W; amplitudes b from the least
 * squares problem Φ b = x_m. Anchoring b at the <em>last</em> snapshot (not the first, as textbook
 * DMD does) means fast transients that died out early have no say in b, and k counts steps after
 * the window.
 *
 * <p>Complex arithmetic is done by hand on (re, im) arrays: LAPACK returns conjugate pairs packed into
 * real columns, and a real snapshot keeps conjugate-symmetric amplitudes, so b is found from a
 * <em>real</em> least-squares problem on the packed columns (see {@link #fit}).
 */
public final class DmdModel {
    /** Relative cut-off for the amplitude least squares; below it columns of Φ are collinear. */
    private static final double AMPLITUDE_RCOND = 1e-13;

    private final int n;
    private final int rank;
    private final double[] muRe;
    private final double[] muIm;
    /** phiRe[j], phiIm[j]: mode j, length n. */
    private final double[][] phiRe;
    private final double[][] phiIm;
    private final double[] bRe;
    private final double[] bIm;
    private final double residual;
    /** Singular values of X (all of them, before truncation), for diagnostics. */
    private final double[] singularValues;

    private DmdModel(int n, double[] muRe, double[] muIm, double[][] phiRe, double[][] phiIm,
                     double[] bRe, double[] bIm, double residual, double[] singularValues) {
        this.n = n;
        this.rank = muRe.length;
        this.muRe = muRe;
        this.muIm = muIm;
        this.phiRe = phiRe;
        this.phiIm = phiIm;
        this.bRe = bRe;
        this.bIm = bIm;
        this.residual = residual;
        this.singularValues = singularValues;
    }

    /**
     * Fits exact DMD to the column-major n × m snapshot matrix (m ≥ 2).
     *
     * @param snapshots column-major, column i is x_{i+1}
     * @param epsilon   energy fraction the SVD truncation may discard (see {@link Truncation})
     * @param floor     hard floor on σ_i/σ_1
     * @throws ArithmeticException if LAPACK fails
     */
    public static DmdModel fit(double[] snapshots, int n, int m, double epsilon, double floor) {
        if (m < 2) {
            throw new IllegalArgumentException("DMD needs at least 2 snapshots, got " + m);
        }
        if (snapshots.length != n * m) {
            throw new IllegalArgumentException("snapshot matrix has " + snapshots.length
                    + " values, expected " + n + " x " + m);
        }
        int pairs = m - 1;
        // Column-major: X is the first n·(m−1) values, Y the last n·(m−1).
        double[] x = java.util.Arrays.copyOfRange(snapshots, 0, n * pairs);
        double[] y = java.util.Arrays.copyOfRange(snapshots, n, n * m);
        ThinSvd svd = ThinSvd.of(x, n, pairs);
        int r = Truncation.rank(svd.s, epsilon, floor);
        if (r == 0) {
            return new DmdModel(n, new double[0], new double[0], new double[0][], new double[0][],
                    new double[0], new double[0], Double.NaN, svd.s.clone());
        }
        BLAS blas = BLAS.getInstance();
        // YV = Y Vᵣ (n × r); Vᵣ = first r rows of Vᵀ, read transposed with leading dimension k.
        double[] yv = new double[n * r];
        blas.dgemm("N", "T", n, r, pairs, 1.0, y, n, svd.vt, svd.k, 0.0, yv, n);

        double residual = fitResidual(y, yv, svd, n, pairs, r, blas);

        // B = Y Vᵣ Σᵣ⁻¹
        double[] bmat = yv.clone();
        for (int j = 0; j < r; j++) {
            double inv = 1.0 / svd.s[j];
            for (int i = 0; i < n; i++) {
                bmat[j * n + i] *= inv;
            }
        }
        // Ã = Uᵣᵀ B (r × r)
        double[] atilde = new double[r * r];
        blas.dgemm("T", "N", r, r, n, 1.0, svd.u, n, bmat, n, 0.0, atilde, r);
        RealEigen eig = RealEigen.of(atilde, r);

        // Packed exact modes P = B W (n × r): real columns, conjugate pairs packed as (Re, Im).
        double[] packed = new double[n * r];
        blas.dgemm("N", "N", n, r, r, 1.0, bmat, n, eig.vr, r, 0.0, packed, n);

        // Amplitudes. For a real x_m, Σ_j b_j φ_j = Σ_j c_j P_j with c real: a real eigenvalue has
        // b_j = c_j, a pair (j, j+1) has b_j φ_j + conj(b_j φ_j) = 2 Re(b_j φ_j) = c_j P_j + c_{j+1} P_{j+1},
        // i.e. b_j = (c_j − i c_{j+1}) / 2. So the complex least squares Φ b = x_m is the real one P c = x_m.
        double[] last = java.util.Arrays.copyOfRange(snapshots, n * (m - 1), n * m);
        double[] c = ThinSvd.of(packed, n, r).solve(last, AMPLITUDE_RCOND);

        double[][] phiRe = new double[r][n];
        double[][] phiIm = new double[r][n];
        double[] bRe = new double[r];
        double[] bIm = new double[r];
        for (int j = 0; j < r; j++) {
            if (eig.im[j] > 0 && j + 1 < r) {
                for (int i = 0; i < n; i++) {
                    double pr = packed[j * n + i];
                    double pi = packed[(j + 1) * n + i];
                    phiRe[j][i] = pr;
                    phiIm[j][i] = pi;
                    phiRe[j + 1][i] = pr;
                    phiIm[j + 1][i] = -pi;
                }
                bRe[j] = 0.5 * c[j];
                bIm[j] = -0.5 * c[j + 1];
                bRe[j + 1] = bRe[j];
                bIm[j + 1] = -bIm[j];
                j++;
            } else {
                System.arraycopy(packed, j * n, phiRe[j], 0, n);
                bRe[j] = c[j];
            }
        }
        return new DmdModel(n, eig.re.clone(), eig.im.clone(), phiRe, phiIm, bRe, bIm, residual,
                svd.s.clone());
    }

    /** All singular values of X, descending (before truncation). */
    public double[] singularValues() {
        return singularValues.clone();
    }

    /**
     * ‖Y − A X‖_F / ‖Y‖_F for the fitted operator A = Y Vᵣ Σᵣ⁻¹ Uᵣᵀ. Since Uᵣᵀ X = Σᵣ Vᵣᵀ,
     * A X = Y Vᵣ Vᵣᵀ. A trajectory that really follows linear dynamics has a residual at rounding level;
     * white noise leaves most of Y unexplained. Zero by construction when r equals the number of
     * snapshot pairs (nothing left over to test the fit on).
     */
    private static double fitResidual(double[] y, double[] yv, ThinSvd svd, int n, int pairs, int r,
                                      BLAS blas) {
        double[] r2 = y.clone();
        // r2 = Y − (Y Vᵣ) Vᵣᵀ; Vᵣᵀ is the first r rows of Vᵀ (leading dimension k).
        blas.dgemm("N", "N", n, pairs, r, -1.0, yv, n, svd.vt, svd.k, 1.0, r2, n);
        double num = 0;
        double den = 0;
        for (int i = 0; i < y.length; i++) {
            num += r2[i] * r2[i];
            den += y[i] * y[i];
        }
        return den == 0 ? 0 : Math.sqrt(num / den);
    }

    /** Kept SVD rank r (the number of modes). */
    public int rank() {
        return rank;
    }

    /** Snapshot length n. */
    public int snapshotLength() {
        return n;
    }

    /** One-step fit residual ‖Y − A X‖_F / ‖Y‖_F (NaN for rank 0). */
    public double residual() {
        return residual;
    }

    /** Eigenvalues, moduli and mode energies |b_j|·‖φ_j‖. */
    public Spectrum spectrum() {
        double[] energy = new double[rank];
        for (int j = 0; j < rank; j++) {
            double norm2 = 0;
            for (int i = 0; i < n; i++) {
                norm2 += phiRe[j][i] * phiRe[j][i] + phiIm[j][i] * phiIm[j][i];
            }
            energy[j] = Math.hypot(bRe[j], bIm[j]) * Math.sqrt(norm2);
        }
        return new Spectrum(muRe.clone(), muIm.clone(), energy);
    }

    /** True if every eigenvalue, mode and amplitude is finite. */
    public boolean isFinite() {
        for (int j = 0; j < rank; j++) {
            if (!Double.isFinite(muRe[j]) || !Double.isFinite(muIm[j])
                    || !Double.isFinite(bRe[j]) || !Double.isFinite(bIm[j])) {
                return false;
            }
            for (int i = 0; i < n; i++) {
                if (!Double.isFinite(phiRe[j][i]) || !Double.isFinite(phiIm[j][i])) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Real part of Σ_{j ∈ modes} b_j μ_j^k φ_j restricted to entries [from, from + len): the
     * contribution of the chosen modes to snapshot x_{m+k}.
     *
     * @param modes        mode indices to sum (conjugate partners must both be listed to get a real
     *                     sum; the real part is taken either way)
     * @param k            steps after the last snapshot, ≥ 0
     * @param clipToCircle if true, eigenvalues with |μ| &gt; 1 are replaced by μ/|μ| so that unstable
     *                     (noise) modes cannot blow up a long extrapolation
     * @param from         first snapshot entry to return (block b of H starts at b·H)
     * @param len          number of entries to return
     * @return a fresh array of {@code len} values
     */
    public double[] evaluate(int[] modes, long k, boolean clipToCircle, int from, int len) {
        if (k < 0) {
            throw new IllegalArgumentException("k must be >= 0, got " + k);
        }
        double[] out = new double[len];
        for (int j : modes) {
            double[] p = power(muRe[j], muIm[j], k, clipToCircle);
            // coefficient b_j μ_j^k
            double cr = bRe[j] * p[0] - bIm[j] * p[1];
            double ci = bRe[j] * p[1] + bIm[j] * p[0];
            if (cr == 0 && ci == 0) {
                continue; // also keeps 0·∞ from a far-decayed mode out of the sum
            }
            for (int i = 0; i < len; i++) {
                out[i] += cr * phiRe[j][from + i] - ci * phiIm[j][from + i];
            }
        }
        return out;
    }

    /** Indices of all modes, for {@link #evaluate}. */
    public int[] allModes() {
        int[] all = new int[rank];
        for (int j = 0; j < rank; j++) {
            all[j] = j;
        }
        return all;
    }

    /** μ^k as (re, im). Real eigenvalues use pow directly so negative bases stay exact. */
    static double[] power(double re, double im, long k, boolean clip) {
        double mod = Math.hypot(re, im);
        if (clip && mod > 1) {
            re /= mod;
            im /= mod;
            mod = 1;
        }
        if (k == 0) {
            return new double[] {1, 0};
        }
        if (im == 0) {
            return new double[] {Math.pow(re, k), 0};
        }
        double theta = Math.atan2(im, re);
        double scale = Math.pow(mod, k);
        double angle = theta * k;
        return new double[] {scale * Math.cos(angle), scale * Math.sin(angle)};
    }
}
