package io.hypergrad.common.koopman;

import dev.ludovic.netlib.lapack.LAPACK;
import org.netlib.util.intW;

/**
 * Eigen-decomposition of a real square matrix by LAPACK {@code dgeev} (right eigenvectors only).
 *
 * <p>dgeev packs complex results into real arrays: eigenvalue j is (re[j], im[j]); a complex
 * conjugate pair occupies positions j, j+1 with im[j] &gt; 0, and its eigenvectors are
 * v_j = vr[:, j] + i·vr[:, j+1], v_{j+1} = conj(v_j). For a real eigenvalue vr[:, j] is the vector.
 */
final class RealEigen {
    final int n;
    final double[] re;
    final double[] im;
    /** Column-major n × n, packed as described above. */
    final double[] vr;

    private RealEigen(int n, double[] re, double[] im, double[] vr) {
        this.n = n;
        this.re = re;
        this.im = im;
        this.vr = vr;
    }

    /**
     * Decomposes a copy of the column-major n × n matrix {@code a}.
     *
     * @throws ArithmeticException if the QR algorithm does not converge
     */
    static RealEigen of(double[] a, int n) {
        double[] work = a.clone(); // dgeev destroys its input
        double[] re = new double[n];
        double[] im = new double[n];
        double[] vr = new double[n * n];
        double[] vl = new double[1];
        LAPACK lapack = LAPACK.getInstance();
        intW info = new intW(0);
        double[] query = new double[1];
        lapack.dgeev("N", "V", n, work, n, re, im, vl, 1, vr, n, query, -1, info);
        if (info.val != 0) {
            throw new ArithmeticException("dgeev workspace query failed with info = " + info.val);
        }
        double[] ws = new double[Math.max(Math.max(1, 4 * n), (int) query[0])];
        lapack.dgeev("N", "V", n, work, n, re, im, vl, 1, vr, n, ws, ws.length, info);
        if (info.val != 0) {
            throw new ArithmeticException("dgeev failed with info = " + info.val);
        }
        return new RealEigen(n, re, im, vr);
    }
}
