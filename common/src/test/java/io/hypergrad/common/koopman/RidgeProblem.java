package io.hypergrad.common.koopman;

import java.util.Random;

/**
 * Full-batch gradient descent on ridge regression with hyperparameters λ = (log η, log κ), and its
 * exact hypergradient by forward mode — the test bed of the glocal design.
 *
 * <p>Inner loss L_tr(w) = ‖Xw − y‖²/(2n) + κ‖w‖²/2, step w_{t+1} = w_t − η(S w_t − q + κ w_t) with
 * S = XᵀX/n, q = Xᵀy/n; outer loss L_val(w) = ‖X_v w − y_v‖²/(2n_v).
 * Forward mode: Z_t = ∂w_t/∂λ (P × 2), Z_0 = 0, differentiating the step
 * Z_{t+1} = (I − η(S + κI)) Z_t − [η g_t | ηκ w_t] with g_t = S w_t − q + κ w_t
 * (∂η/∂log η = η, ∂κ/∂log κ = κ). The local hypergradient after t steps is h_t = Z_tᵀ ∇L_val(w_t).
 */
final class RidgeProblem {
    final int p;
    final double[][] s;   // XᵀX/n
    final double[] q;     // Xᵀy/n
    final double[][] sv;  // X_vᵀX_v/n_v
    final double[] qv;    // X_vᵀy_v/n_v
    final double yv2;     // ‖y_v‖²/n_v
    final double eta;
    final double kappa;

    private RidgeProblem(double[][] x, double[] y, double[][] xv, double[] yv, double eta, double kappa) {
        this.p = x[0].length;
        this.eta = eta;
        this.kappa = kappa;
        s = gram(x);
        q = xty(x, y);
        sv = gram(xv);
        qv = xty(xv, yv);
        double acc = 0;
        for (double v : yv) {
            acc += v * v;
        }
        yv2 = acc / yv.length;
    }

    /**
     * Gaussian features with column j scaled by {@code scales[j]}; train and validation are
     * independent draws (n each) from the same model, y = X w_true + 0.1·noise.
     */
    static RidgeProblem gaussian(long seed, int n, double[] scales, double eta, double kappa) {
        Random rnd = new Random(seed);
        int p = scales.length;
        double[] wTrue = gaussianVector(rnd, p);
        double[][] x = new double[n][p];
        double[][] xv = new double[n][p];
        for (double[][] m : new double[][][] {x, xv}) {
            for (double[] row : m) {
                for (int j = 0; j < p; j++) {
                    row[j] = scales[j] * rnd.nextGaussian();
                }
            }
        }
        return new RidgeProblem(x, targets(rnd, x, wTrue), xv, targets(rnd, xv, wTrue), eta, kappa);
    }

    /**
     * Features with a designed covariance Σ = R diag(spectrum) Rᵀ (R a random rotation). The training
     * design is whitened so that XᵀX/n = Σ exactly — the condition number of the inner problem is
     * chosen rather than left to the Marchenko–Pastur spread of a 50 × 10 Gaussian matrix — while the
     * validation set is an ordinary independent draw from N(0, Σ). y = X w_true + 0.1·noise.
     */
    static RidgeProblem designed(long seed, int n, double[] spectrum, double eta, double kappa) {
        Random rnd = new Random(seed);
        int p = spectrum.length;
        double[] wTrue = gaussianVector(rnd, p);
        double[][] rot = orthonormalColumns(gaussianMatrix(rnd, p, p));
        double[][] q = orthonormalColumns(gaussianMatrix(rnd, n, p));
        double[][] x = new double[n][p];
        double[][] xv = new double[n][p];
        for (int i = 0; i < n; i++) {
            double[] z = gaussianVector(rnd, p);
            for (int j = 0; j < p; j++) {
                for (int k = 0; k < p; k++) {
                    double scale = Math.sqrt(spectrum[k]) * rot[j][k];
                    x[i][j] += Math.sqrt(n) * q[i][k] * scale; // X = √n Q diag(√s) Rᵀ ⇒ XᵀX/n = Σ
                    xv[i][j] += z[k] * scale;                  // x_v = R diag(√s) z ~ N(0, Σ)
                }
            }
        }
        return new RidgeProblem(x, targets(rnd, x, wTrue), xv, targets(rnd, xv, wTrue), eta, kappa);
    }

    /** h_1..h_steps: row t−1 is the exact hypergradient dL_val(w_t)/dλ after t steps from w_0 = 0. */
    double[][] hypergradients(int steps) {
        double[][] h = new double[steps][];
        double[] w = new double[p];
        double[][] z = new double[p][2];
        for (int t = 0; t < steps; t++) {
            double[] g = Mat.mul(s, w);
            for (int i = 0; i < p; i++) {
                g[i] += kappa * w[i] - q[i];
            }
            double[][] sz = Mat.mul(s, z);
            double[][] zn = new double[p][2];
            double[] wn = new double[p];
            for (int i = 0; i < p; i++) {
                for (int c = 0; c < 2; c++) {
                    zn[i][c] = z[i][c] - eta * (sz[i][c] + kappa * z[i][c]);
                }
                zn[i][0] -= eta * g[i];
                zn[i][1] -= eta * kappa * w[i];
                wn[i] = w[i] - eta * g[i];
            }
            w = wn;
            z = zn;
            double[] gv = Mat.mul(sv, w);
            for (int i = 0; i < p; i++) {
                gv[i] -= qv[i];
            }
            h[t] = new double[2];
            for (int i = 0; i < p; i++) {
                h[t][0] += z[i][0] * gv[i];
                h[t][1] += z[i][1] * gv[i];
            }
        }
        return h;
    }

    /**
     * The hypergradient of the converged inner problem, in closed form: w_∞ = (S + κI)⁻¹q does not
     * depend on η, and dw_∞/d log κ = −κ(S + κI)⁻¹w_∞, so h_∞ = (0, ∇L_val(w_∞)ᵀ dw_∞/d log κ).
     */
    double[] convergedHypergradient() {
        double[][] m = new double[p][p];
        for (int i = 0; i < p; i++) {
            m[i] = s[i].clone();
            m[i][i] += kappa;
        }
        double[] wInf = Mat.solve(m, q);
        double[] dw = Mat.solve(m, wInf);
        double[] gv = Mat.mul(sv, wInf);
        double h = 0;
        for (int i = 0; i < p; i++) {
            h += (gv[i] - qv[i]) * (-kappa * dw[i]);
        }
        return new double[] {0, h};
    }

    /** L_val(w_steps) at other hyperparameters (for finite-difference checks). */
    double validationLoss(int steps, double logEta, double logKappa) {
        double e = Math.exp(logEta);
        double k = Math.exp(logKappa);
        double[] w = new double[p];
        for (int t = 0; t < steps; t++) {
            double[] g = Mat.mul(s, w);
            for (int i = 0; i < p; i++) {
                w[i] -= e * (g[i] + k * w[i] - q[i]);
            }
        }
        double[] svw = Mat.mul(sv, w);
        double quad = 0;
        double lin = 0;
        for (int i = 0; i < p; i++) {
            quad += w[i] * svw[i];
            lin += w[i] * qv[i];
        }
        return 0.5 * (quad - 2 * lin + yv2);
    }

    /** Eigenvalues of the GD map I − η(S + κI), i.e. the per-direction contraction factors ρ. */
    double[] contractionFactors() {
        double[] m = new double[p * p];
        for (int i = 0; i < p; i++) {
            for (int j = 0; j < p; j++) {
                m[j * p + i] = (i == j ? 1 - eta * kappa : 0) - eta * s[i][j];
            }
        }
        double[] rho = RealEigen.of(m, p).re.clone();
        java.util.Arrays.sort(rho);
        return rho;
    }

    private static double[] gaussianVector(Random rnd, int p) {
        double[] v = new double[p];
        for (int j = 0; j < p; j++) {
            v[j] = rnd.nextGaussian();
        }
        return v;
    }

    private static double[][] gaussianMatrix(Random rnd, int rows, int cols) {
        double[][] m = new double[rows][];
        for (int i = 0; i < rows; i++) {
            m[i] = gaussianVector(rnd, cols);
        }
        return m;
    }

    /** Modified Gram–Schmidt on the columns. */
    private static double[][] orthonormalColumns(double[][] m) {
        int rows = m.length;
        int cols = m[0].length;
        double[][] q = new double[rows][];
        for (int i = 0; i < rows; i++) {
            q[i] = m[i].clone();
        }
        for (int j = 0; j < cols; j++) {
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int i = 0; i < rows; i++) {
                    dot += q[i][k] * q[i][j];
                }
                for (int i = 0; i < rows; i++) {
                    q[i][j] -= dot * q[i][k];
                }
            }
            double norm = 0;
            for (int i = 0; i < rows; i++) {
                norm += q[i][j] * q[i][j];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < rows; i++) {
                q[i][j] /= norm;
            }
        }
        return q;
    }

    private static double[] targets(Random rnd, double[][] x, double[] wTrue) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double yi = 0;
            for (int j = 0; j < wTrue.length; j++) {
                yi += x[i][j] * wTrue[j];
            }
            y[i] = yi + 0.1 * rnd.nextGaussian();
        }
        return y;
    }

    private static double[][] gram(double[][] x) {
        int p = x[0].length;
        double[][] g = new double[p][p];
        for (double[] row : x) {
            for (int a = 0; a < p; a++) {
                for (int b = 0; b < p; b++) {
                    g[a][b] += row[a] * row[b] / x.length;
                }
            }
        }
        return g;
    }

    private static double[] xty(double[][] x, double[] y) {
        int p = x[0].length;
        double[] r = new double[p];
        for (int i = 0; i < x.length; i++) {
            for (int a = 0; a < p; a++) {
                r[a] += x[i][a] * y[i] / x.length;
            }
        }
        return r;
    }
}
