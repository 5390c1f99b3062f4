package io.hypergrad.common.hypergrad;

import io.hypergrad.common.inner.InnerOptimizer;
import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.inner.SweepResult;
import io.hypergrad.common.nn.Batch;

/**
 * {@code cg-ift}: the implicit-function hypergradient at w_T, g = g^FO − H_λw·q with q solving
 * (H_ww + wd·I + δ·I)·q = α by conjugate gradient on Hessian-vector products of the training loss on the
 * last batch, stopped when ‖r‖ ≤ tol·‖α‖ or after the iteration budget. wd is the inner optimiser's
 * weight decay: the update's fixed point solves ∇_w L_train + wd·w = 0, whose Jacobian in w is
 * H_ww + wd·I ({@link io.hypergrad.common.inner.InnerOptimizer#constantWeightDecay}); δ is extra damping
 * of the solve on top of it (0 for the exact implicit-function hypergradient). It differentiates that
 * stationarity, so it covers the model's λ tensors; optimiser hyperparameters (learning rates do not move
 * a fixed point; a weight-decay hook would) are refused.
 */
public final class CgIft extends AbstractEstimator {
    private final double damping;
    private final int maxIterations;
    private final double tolerance;
    private double weightDecay;
    private Batch lastBatch;
    private int iterations;
    private double residual;

    public CgIft(double damping, int maxIterations, double tolerance) {
        if (!(damping >= 0) || maxIterations < 1 || !(tolerance > 0)) {
            throw new IllegalArgumentException("cg-ift needs damping ≥ 0, iterations ≥ 1 and tolerance > 0");
        }
        this.damping = damping;
        this.maxIterations = maxIterations;
        this.tolerance = tolerance;
    }

    @Override
    public String name() {
        return "cg-ift(δ=" + damping + " on top of the weight decay, ≤" + maxIterations + " iterations)";
    }

    @Override
    public void begin(Bilevel problem, double[] lambda, InnerState z0) {
        if (problem.optimizer().hyperSize() > 0) {
            throw new IllegalArgumentException("cg-ift differentiates the training loss's stationarity and covers the model's λ only; "
                    + "this problem's optimiser has hyperparameters in λ — use reverse, forward or an online estimator");
        }
        weightDecay = problem.optimizer().constantWeightDecay();
        if (!Double.isFinite(weightDecay)) {
            throw new IllegalArgumentException("cg-ift needs the inner optimiser's weight decay as one constant "
                    + "(it adds wd·I to the Hessian of the stationarity condition); this optimiser has none it can name");
        }
        super.begin(problem, lambda, z0);
        lastBatch = null;
    }

    @Override
    public double[] observe(InnerState zPrev, Batch batch, InnerState z) {
        requireBegun();
        lastBatch = batch;
        last = z;
        return null;
    }

    private double[] hvp(double[] u) {
        SweepResult r = problem.train().sweep(last.w, u, InnerOptimizer.modelLambda(lambda, problem.train()), lastBatch);
        double[] out = r.hvpW.clone();
        for (int i = 0; i < out.length; i++) {
            out[i] += (weightDecay + damping) * u[i];
        }
        return out;
    }

    @Override
    public double[] estimate() {
        requireBegun();
        if (lastBatch == null) {
            throw new IllegalStateException("cg-ift: no step observed yet");
        }
        Bilevel.ValGradient vg = problem.valGradient(last.w, lambda);
        double[] b = vg.alpha();
        int p = b.length;
        double[] q = new double[p];
        double[] r = b.clone();
        double[] d = b.clone();
        double rr = dot(r, r);
        double stop = tolerance * tolerance * rr;
        iterations = 0;
        while (rr > stop && iterations < maxIterations) {
            double[] hd = hvp(d);
            double dhd = dot(d, hd);
            if (dhd <= 0) {
                break;
            }
            double a = rr / dhd;
            for (int i = 0; i < p; i++) {
                q[i] += a * d[i];
                r[i] -= a * hd[i];
            }
            double rrNew = dot(r, r);
            for (int i = 0; i < p; i++) {
                d[i] = r[i] + (rrNew / rr) * d[i];
            }
            rr = rrNew;
            iterations++;
        }
        residual = Math.sqrt(rr / Math.max(1e-300, dot(b, b)));
        SweepResult s = problem.train().sweep(last.w, q, InnerOptimizer.modelLambda(lambda, problem.train()), lastBatch);
        double[] g = vg.fo().clone();
        for (int i = 0; i < s.hvpLambda.length; i++) {
            g[i] -= s.hvpLambda[i];
        }
        return g;
    }

    /** CG iterations of the last estimate. */
    public int iterations() {
        return iterations;
    }

    /** ‖r‖/‖α‖ at the end of the last solve. */
    public double residual() {
        return residual;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    @Override
    public boolean online() {
        return false;
    }

    @Override
    public String approximation() {
        return "assumes w_T is a stationary point of the training loss (implicit function theorem) on the last batch";
    }
}
