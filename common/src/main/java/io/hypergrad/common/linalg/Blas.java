package io.hypergrad.common.linalg;

import dev.ludovic.netlib.blas.BLAS;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * Row-major matrix products on {@code double[]} through {@code dev.ludovic.netlib}, the BLAS layer Spark
 * MLlib uses. netlib picks native OpenBLAS when the system has it, else the Java Vector API
 * implementation, else pure Java; {@link #implementation()} names the one in force and it is logged once.
 */
public final class Blas {
    private static final BLAS BLAS_INSTANCE = BLAS.getInstance();
    private static final AtomicBoolean LOGGED = new AtomicBoolean();
    /** Floating-point operations issued through {@link #gemm}, all threads together. */
    private static final LongAdder GEMM_FLOPS = new LongAdder();

    private Blas() {}

    /** The class name of the BLAS implementation in use, e.g. {@code JNIBLAS} (native) or {@code VectorBLAS}. */
    public static String implementation() {
        return BLAS_INSTANCE.getClass().getSimpleName();
    }

    /** Logs the active implementation the first time it is called; later calls do nothing. */
    public static void logImplementationOnce() {
        if (LOGGED.compareAndSet(false, true)) {
            Logger.getLogger("io.hypergrad.common.linalg.Blas").info("BLAS implementation: " + implementation());
        }
    }

    /**
     * C = alpha · op(A) · op(B) + beta · C, all row-major, where op(A) is m×k and op(B) is k×n.
     * A is stored m×k (or k×m when {@code transA}), B is k×n (or n×k when {@code transB}), C is m×n.
     */
    public static void gemm(boolean transA, boolean transB, int m, int n, int k, double alpha,
                            double[] a, int aOff, double[] b, int bOff, double beta, double[] c, int cOff) {
        if (m == 0 || n == 0) {
            return;
        }
        if (k == 0) {
            scaleInPlace(c, cOff, m * n, beta);
            return;
        }
        logImplementationOnce();
        GEMM_FLOPS.add(2L * m * n * k);
        // Row-major C = op(A)op(B) is column-major Cᵀ = op(B)ᵀ op(A)ᵀ: swap operands, keep the flags.
        int lda = transA ? m : k;
        int ldb = transB ? k : n;
        BLAS_INSTANCE.dgemm(transB ? "T" : "N", transA ? "T" : "N", n, m, k, alpha,
                b, bOff, ldb, a, aOff, lda, beta, c, cOff, n);
    }

    /**
     * The floating-point operations (2·m·n·k per product) issued through {@link #gemm} since the JVM
     * started, by every thread: a benchmark reads it before and after a call to count that call's work.
     */
    public static long gemmFlops() {
        return GEMM_FLOPS.sum();
    }

    private static void scaleInPlace(double[] c, int off, int len, double beta) {
        for (int i = off; i < off + len; i++) {
            c[i] = beta == 0.0 ? 0.0 : beta * c[i];
        }
    }

    /** y += alpha · x over {@code len} elements. */
    public static void axpy(int len, double alpha, double[] x, int xOff, double[] y, int yOff) {
        for (int i = 0; i < len; i++) {
            y[yOff + i] += alpha * x[xOff + i];
        }
    }

    /** The dot product of two equal-length ranges. */
    public static double dot(int len, double[] x, int xOff, double[] y, int yOff) {
        double s = 0.0;
        for (int i = 0; i < len; i++) {
            s += x[xOff + i] * y[yOff + i];
        }
        return s;
    }
}
