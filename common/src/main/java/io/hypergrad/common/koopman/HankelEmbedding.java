package io.hypergrad.common.koopman;

/**
 * Delay (Hankel) embedding of a trajectory into DMD snapshots.
 *
 * <p>With d delays, snapshot i (1-based, i = 1..m, m = K − d + 1) is the stacked vector
 * x_i = [h_i; h_{i+1}; …; h_{i+d−1}] of length n = H·d. Block b (0-based) of x_i is therefore
 * h_{i+b}: the <em>first</em> block is the oldest value, the <em>last</em> block the newest. The last
 * snapshot x_m ends with h_K, the last local hypergradient.
 *
 * <p>Why delays: a trajectory h_t = h_∞ + Σ_j c_j ρ_j^t has one exponential more (the constant,
 * eigenvalue 1) than a linear map on ℝ^H can always carry; stacking d copies gives the snapshot space
 * room for up to H·d exponentials, so the constant becomes an exact eigenvalue-1 mode.
 */
public final class HankelEmbedding {
    private HankelEmbedding() {
    }

    /** Number of snapshots m = K − d + 1 (may be ≤ 0 when the window is shorter than the delays). */
    public static int snapshotCount(int steps, int delays) {
        return steps - delays + 1;
    }

    /**
     * The n × m snapshot matrix, column-major (LAPACK layout): entry (b·H + c, i) is component c of
     * h_{i+b+1} with 0-based i and b.
     *
     * @throws IllegalArgumentException if delays &lt; 1 or the window has fewer than {@code delays} steps
     */
    public static double[] snapshots(Trajectory h, int delays) {
        if (delays < 1) {
            throw new IllegalArgumentException("delays must be at least 1, got " + delays);
        }
        int m = snapshotCount(h.steps(), delays);
        if (m < 1) {
            throw new IllegalArgumentException("a window of " + h.steps() + " steps is shorter than "
                    + delays + " delays");
        }
        int dim = h.dim();
        int n = dim * delays;
        double[] x = new double[n * m];
        for (int i = 0; i < m; i++) {
            for (int b = 0; b < delays; b++) {
                for (int c = 0; c < dim; c++) {
                    x[i * n + b * dim + c] = h.get(i + b, c);
                }
            }
        }
        return x;
    }
}
