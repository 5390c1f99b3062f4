package io.hypergrad.common.koopman;

import dev.ludovic.netlib.lapack.LAPACK;
import org.netlib.util.intW;

/**
 * Thin singular value decomposition A = U Σ Vᵀ of a column-major rows × cols matrix, by LAPACK
 * {@code dgesvd}. With k = min(rows, cols): U is rows × k, Vᵀ is k × cols (both column-major) and the
 * singular values are in descending order.
 */
final class ThinSvd {
    final int rows;
    final int cols;
    final int k;
    /** Column-major rows × k. */
    final double[] u;
    /** Descending, length k. */
    final double[] s;
    /** Column-major k × cols. */
    final double[] vt;

    private ThinSvd(int rows, int cols, double[] u, double[] s, double[] vt) {
        this.rows = rows;
        this.cols = cols;
        this.k = s.length;
        this.u = u;
        this.s = s;
        this.vt = vt;
    }

    /**
     * Decomposes a copy of {@code a} (column-major, rows × cols).
     *
     * @throws ArithmeticException if LAPACK reports failure (non-convergence or bad input)
     */
    static ThinSvd of(double[] a, int rows, int cols) {
        int k = Math.min(rows, cols);
        double[] work = a.clone(); // dgesvd destroys its input
        double[] s = new double[k];
        double[] u = new double[rows * k];
        double[] vt = new double[k * cols];
        LAPACK lapack = LAPACK.getInstance();
        intW info = new intW(0);
        double[] query = new double[1];
        lapack.dgesvd("S", "S", rows, cols, work, rows, s, u, rows, vt, k, query, -1, info);
        check(info, "dgesvd workspace query");
        double[] ws = new double[Math.max(1, (int) query[0])];
        lapack.dgesvd("S", "S", rows, cols, work, rows, s, u, rows, vt, k, ws, ws.length, info);
        check(info, "dgesvd");
        return new ThinSvd(rows, cols, u, s, vt);
    }

    /**
     * Least-squares solution of A c = b through this SVD, discarding singular values below
     * {@code rcond · σ_1} (the minimum-norm solution on the kept subspace).
     */
    double[] solve(double[] b, double rcond) {
        double cutoff = k == 0 ? 0 : rcond * s[0];
        double[] coef = new double[k];
        for (int j = 0; j < k; j++) {
            if (s[j] <= cutoff || s[j] == 0) {
                continue;
            }
            double dot = 0;
            for (int i = 0; i < rows; i++) {
                dot += u[j * rows + i] * b[i];
            }
            coef[j] = dot / s[j];
        }
        double[] x = new double[cols];
        for (int c = 0; c < cols; c++) {
            double sum = 0;
            for (int j = 0; j < k; j++) {
                sum += vt[c * k + j] * coef[j];
            }
            x[c] = sum;
        }
        return x;
    }

    private static void check(intW info, String what) {
        if (info.val != 0) {
            throw new ArithmeticException(what + " failed with info = " + info.val);
        }
    }
}
