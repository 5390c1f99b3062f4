package io.hypergrad.common.koopman;

import java.util.Random;

/**
 * Full-batch GD on per-example reweighted ridge regression — the high-dimensional test bed of the glocal
 * design (§4.1's numerical study): λ ∈ ℝ^n are the examples' weights (q = n hyperparameters, all 1 at
 * the evaluation point), L_tr(w) = Σ_i λ_i (x_iᵀw − y_i)²/(2n) + κ‖w‖²/2,
 * w_{t+1} = w_t − η ∇L_tr(w_t), L_val(w) = ‖X_v w − y_v‖²/(2n_v).
 *
 * <p>Exact hypergradient by forward mode: Z_t = ∂w_t/∂λ (p × n), Z_0 = 0,
 * Z_{t+1} = (I − η(S + κI)) Z_t − η [x_i r_i/n]_i with S = XᵀX/n and r_i = x_iᵀw_t − y_i;
 * h_t = Z_tᵀ∇L_val(w_t).
 *
 * <p>The training Gram matrix is designed as in {@link RidgeProblem#designed}: eigenvalues
 * {0.05, 0.1} ∪ [0.8, 1.2], so with η = 0.9, κ = 0.01 the GD map has two slow directions
 * (ρ ≈ 0.946 and 0.901: decaying within a 50-step window by 1/16 and 1/180, not gone) and fast ones
 * below 0.29.
 */
final class ReweightedRidge {
    final int n;
    final int p;
    final double[][] x;
    final double[] y;
    final double[][] sv;
    final double[] qv;
    final double eta;
    final double kappa;

    ReweightedRidge(long seed, int n, int p, double eta, double kappa) {
        this.n = n;
        this.p = p;
        this.eta = eta;
        this.kappa = kappa;
        Random rnd = new Random(seed);
        double[] spectrum = new double[p];
        spectrum[0] = 0.05;
        spectrum[1] = 0.1;
        for (int i = 2; i < p; i++) {
            spectrum[i] = 0.8 + 0.4 * (i - 2) / (p - 3.0);
        }
        double[] wTrue = new double[p];
        for (int j = 0; j < p; j++) {
            wTrue[j] = rnd.nextGaussian();
        }
        double[][] rot = gramSchmidt(gaussian(rnd, p, p));
        double[][] q = gramSchmidt(gaussian(rnd, n, p));
        x = new double[n][p];
        double[][] xv = new double[n][p];
        for (int i = 0; i < n; i++) {
            double[] z = new double[p];
            for (int k = 0; k < p; k++) {
                z[k] = rnd.nextGaussian();
            }
            for (int j = 0; j < p; j++) {
                for (int k = 0; k < p; k++) {
                    double scale = Math.sqrt(spectrum[k]) * rot[j][k];
                    x[i][j] += Math.sqrt(n) * q[i][k] * scale;
                    xv[i][j] += z[k] * scale;
                }
            }
        }
        y = targets(rnd, x, wTrue);
        double[] yv = targets(rnd, xv, wTrue);
        sv = new double[p][p];
        qv = new double[p];
        for (int i = 0; i < n; i++) {
            for (int a = 0; a < p; a++) {
                qv[a] += xv[i][a] * yv[i] / n;
                for (int b = 0; b < p; b++) {
                    sv[a][b] += xv[i][a] * xv[i][b] / n;
                }
            }
        }
    }

    /** h_1..h_steps, each of length n. */
    double[][] hypergradients(int steps) {
        double[][] h = new double[steps][];
        double[] w = new double[p];
        double[][] z = new double[p][n]; // ∂w/∂λ
        for (int t = 0; t < steps; t++) {
            double[] r = new double[n];
            double[] grad = new double[p];
            for (int i = 0; i < n; i++) {
                double v = -y[i];
                for (int j = 0; j < p; j++) {
                    v += x[i][j] * w[j];
                }
                r[i] = v;
                for (int j = 0; j < p; j++) {
                    grad[j] += x[i][j] * v / n;
                }
            }
            // S Z = Xᵀ(X Z)/n
            double[][] xz = new double[n][n];
            for (int i = 0; i < n; i++) {
                for (int j = 0; j < p; j++) {
                    double xij = x[i][j];
                    if (xij == 0) {
                        continue;
                    }
                    for (int c = 0; c < n; c++) {
                        xz[i][c] += xij * z[j][c];
                    }
                }
            }
            double[][] zn = new double[p][n];
            for (int j = 0; j < p; j++) {
                for (int c = 0; c < n; c++) {
                    double sz = 0;
                    for (int i = 0; i < n; i++) {
                        sz += x[i][j] * xz[i][c];
                    }
                    zn[j][c] = z[j][c] - eta * (sz / n + kappa * z[j][c]) - eta * x[c][j] * r[c] / n;
                }
            }
            for (int j = 0; j < p; j++) {
                w[j] -= eta * (grad[j] + kappa * w[j]);
            }
            z = zn;
            double[] gv = Mat.mul(sv, w);
            for (int j = 0; j < p; j++) {
                gv[j] -= qv[j];
            }
            h[t] = new double[n];
            for (int c = 0; c < n; c++) {
                double v = 0;
                for (int j = 0; j < p; j++) {
                    v += z[j][c] * gv[j];
                }
                h[t][c] = v;
            }
        }
        return h;
    }

    /**
     * h_t plus independent Gaussian noise of norm about {@code level}·‖h_t‖ per step (mini-batch noise
     * of that relative size).
     */
    static double[][] noisy(double[][] h, double level, long seed) {
        Random rnd = new Random(seed);
        double[][] out = new double[h.length][];
        for (int t = 0; t < h.length; t++) {
            double scale = level * Mat.norm(h[t]) / Math.sqrt(h[t].length);
            out[t] = h[t].clone();
            for (int c = 0; c < out[t].length; c++) {
                out[t][c] += scale * rnd.nextGaussian();
            }
        }
        return out;
    }

    private static double[][] gaussian(Random rnd, int rows, int cols) {
        double[][] m = new double[rows][cols];
        for (double[] row : m) {
            for (int j = 0; j < cols; j++) {
                row[j] = rnd.nextGaussian();
            }
        }
        return m;
    }

    private static double[][] gramSchmidt(double[][] m) {
        int rows = m.length;
        int cols = m[0].length;
        for (int j = 0; j < cols; j++) {
            for (int k = 0; k < j; k++) {
                double dot = 0;
                for (int i = 0; i < rows; i++) {
                    dot += m[i][k] * m[i][j];
                }
                for (int i = 0; i < rows; i++) {
                    m[i][j] -= dot * m[i][k];
                }
            }
            double norm = 0;
            for (int i = 0; i < rows; i++) {
                norm += m[i][j] * m[i][j];
            }
            norm = Math.sqrt(norm);
            for (int i = 0; i < rows; i++) {
                m[i][j] /= norm;
            }
        }
        return m;
    }

    private static double[] targets(Random rnd, double[][] x, double[] wTrue) {
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double v = 0;
            for (int j = 0; j < wTrue.length; j++) {
                v += x[i][j] * wTrue[j];
            }
            y[i] = v + 0.1 * rnd.nextGaussian();
        }
        return y;
    }
}
