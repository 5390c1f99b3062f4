package io.hypergrad.common.inner;

import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.ParamLayout;
import java.util.List;

/**
 * Adam in PyTorch's convention (weight decay added to the gradient, bias-corrected moments, ε outside
 * the square root): g = ∇L + wd·w; m ← β₁m + (1−β₁)g; v ← β₂v + (1−β₂)g²;
 * w ← w − η·m̂/(√v̂ + ε) with m̂ = m/(1−β₁ᵗ), v̂ = v/(1−β₂ᵗ). η and wd are constants or λ hooks; β₁, β₂, ε
 * are constants. The map is differentiable wherever v̂ &gt; 0; where v̂ = 0 (a coordinate whose gradient
 * has always been exactly zero) the derivative through √v̂ is taken as 0.
 *
 * <p>Its vector-Jacobian product needs g at w_{t−1} before the tangent is known, so it costs one
 * gradient sweep plus one forward-over-reverse sweep. Not thread-safe; one per thread.
 */
public final class Adam implements InnerOptimizer {
    private final ParamLayout layout;
    private final HyperHook lr;
    private final HyperHook wd;
    private final double beta1;
    private final double beta2;
    private final double eps;
    private final double[] lrV;
    private final double[] wdV;

    public Adam(ParamLayout layout, HyperHook lr, HyperHook wd, double beta1, double beta2, double eps) {
        if (!(beta1 >= 0 && beta1 < 1 && beta2 >= 0 && beta2 < 1 && eps > 0)) {
            throw new IllegalArgumentException("Adam needs 0 ≤ β₁, β₂ < 1 and ε > 0; got " + beta1 + ", " + beta2 + ", " + eps);
        }
        this.layout = layout;
        this.lr = lr;
        this.wd = wd;
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.eps = eps;
        int p = layout.size(io.hypergrad.common.nn.Role.INNER);
        this.lrV = new double[p];
        this.wdV = new double[p];
    }

    /** Constant learning rate and weight decay with PyTorch's default β₁ = 0.9, β₂ = 0.999, ε = 1e-8. */
    public static Adam constant(ParamLayout layout, double lr, double weightDecay) {
        return new Adam(layout, HyperHook.constant("learningRate", lr), HyperHook.constant("weightDecay", weightDecay),
                0.9, 0.999, 1e-8);
    }

    @Override
    public List<HyperHook> settings() {
        return List.of(lr, wd);
    }

    @Override
    public int hyperSize() {
        return lr.size(layout) + wd.size(layout);
    }

    @Override
    public void initialiseHyper(double[] lambda, int off) {
        lr.initialise(layout, lambda, off);
        wd.initialise(layout, lambda, off + lr.size(layout));
    }

    @Override
    public InnerState init(double[] w0) {
        return new InnerState(w0.clone(), new double[][] {new double[w0.length], new double[w0.length]}, 0);
    }

    private void expand(double[] lambda, int base) {
        lr.expand(layout, lambda, base, lrV);
        wd.expand(layout, lambda, base + lr.size(layout), wdV);
    }

    @Override
    public InnerState update(InnerState z, double[] lambda, Batch batch, Loss loss) {
        int base = InnerOptimizer.modelHyperSize(loss);
        expand(lambda, base);
        SweepResult r = loss.sweep(z.w, null, InnerOptimizer.modelLambda(lambda, loss), batch);
        int p = z.w.length;
        int t = z.step + 1;
        double c1 = 1.0 - Math.pow(beta1, t);
        double c2 = 1.0 - Math.pow(beta2, t);
        double[] w = new double[p];
        double[] m = new double[p];
        double[] v = new double[p];
        for (int i = 0; i < p; i++) {
            double g = r.gradW[i] + wdV[i] * z.w[i];
            m[i] = beta1 * z.buffers[0][i] + (1 - beta1) * g;
            v[i] = beta2 * z.buffers[1][i] + (1 - beta2) * g * g;
            w[i] = z.w[i] - lrV[i] * (m[i] / c1) / (Math.sqrt(v[i] / c2) + eps);
        }
        return new InnerState(w, new double[][] {m, v}, t);
    }

    @Override
    public InnerState jvp(InnerState zPrev, double[] lambda, Batch batch, InnerState zTangent, double[] lambdaTangent,
                          Loss loss) {
        int base = InnerOptimizer.modelHyperSize(loss);
        expand(lambda, base);
        int p = zPrev.w.length;
        double[] lrT = new double[p];
        double[] wdT = new double[p];
        lr.expandTangent(layout, lambdaTangent, base, lrV, lrT);
        wd.expandTangent(layout, lambdaTangent, base + lr.size(layout), wdV, wdT);
        SweepResult r = loss.sweep(zPrev.w, zTangent.w, InnerOptimizer.modelLambda(lambda, loss),
                InnerOptimizer.modelLambda(lambdaTangent, loss), batch);
        int t = zPrev.step + 1;
        double c1 = 1.0 - Math.pow(beta1, t);
        double c2 = 1.0 - Math.pow(beta2, t);
        double[] wt = new double[p];
        double[] mt = new double[p];
        double[] vt = new double[p];
        for (int i = 0; i < p; i++) {
            double g = r.gradW[i] + wdV[i] * zPrev.w[i];
            double gt = r.hvpW[i] + wdV[i] * zTangent.w[i] + wdT[i] * zPrev.w[i];
            double m = beta1 * zPrev.buffers[0][i] + (1 - beta1) * g;
            double v = beta2 * zPrev.buffers[1][i] + (1 - beta2) * g * g;
            mt[i] = beta1 * zTangent.buffers[0][i] + (1 - beta1) * gt;
            vt[i] = beta2 * zTangent.buffers[1][i] + 2.0 * (1 - beta2) * g * gt;
            double mHat = m / c1;
            double root = Math.sqrt(v / c2);
            double s = root + eps;
            double dRoot = root > 0 ? (vt[i] / c2) / (2.0 * root) : 0.0;
            wt[i] = zTangent.w[i] - lrT[i] * mHat / s - lrV[i] * (mt[i] / c1) / s + lrV[i] * mHat / (s * s) * dRoot;
        }
        return new InnerState(wt, new double[][] {mt, vt}, t);
    }

    @Override
    public InnerState vjp(InnerState zPrev, double[] lambda, Batch batch, InnerState adjoint, Loss loss,
                          double[] lambdaAdjoint) {
        int base = InnerOptimizer.modelHyperSize(loss);
        expand(lambda, base);
        double[] lambdaModel = InnerOptimizer.modelLambda(lambda, loss);
        int p = zPrev.w.length;
        int t = zPrev.step + 1;
        double c1 = 1.0 - Math.pow(beta1, t);
        double c2 = 1.0 - Math.pow(beta2, t);
        double[] g = loss.sweep(zPrev.w, null, lambdaModel, batch).gradW.clone();
        double[] a = adjoint.w;
        double[] cm = new double[p];
        double[] cv = new double[p];
        double[] cg = new double[p];
        double[] lrAdj = new double[p];
        for (int i = 0; i < p; i++) {
            g[i] += wdV[i] * zPrev.w[i];
            double m = beta1 * zPrev.buffers[0][i] + (1 - beta1) * g[i];
            double v = beta2 * zPrev.buffers[1][i] + (1 - beta2) * g[i] * g[i];
            double mHat = m / c1;
            double vHat = v / c2;
            double root = Math.sqrt(vHat);
            double s = root + eps;
            cm[i] = adjoint.buffers[0][i] - a[i] * lrV[i] / (c1 * s);
            double dwdv = root > 0 ? lrV[i] * mHat / (s * s) / (2.0 * root * c2) : 0.0;
            cv[i] = adjoint.buffers[1][i] + a[i] * dwdv;
            cg[i] = (1 - beta1) * cm[i] + 2.0 * (1 - beta2) * g[i] * cv[i];
            lrAdj[i] = -a[i] * mHat / s;
        }
        SweepResult r = loss.sweep(zPrev.w, cg, lambdaModel, batch);
        double[] aw = new double[p];
        double[] am = new double[p];
        double[] av = new double[p];
        double[] wdAdj = new double[p];
        for (int i = 0; i < p; i++) {
            aw[i] = a[i] + r.hvpW[i] + wdV[i] * cg[i];
            am[i] = beta1 * cm[i];
            av[i] = beta2 * cv[i];
            wdAdj[i] = cg[i] * zPrev.w[i];
        }
        for (int i = 0; i < r.hvpLambda.length; i++) {
            lambdaAdjoint[i] += r.hvpLambda[i];
        }
        lr.accumulate(layout, lrAdj, lrV, lambdaAdjoint, base);
        wd.accumulate(layout, wdAdj, wdV, lambdaAdjoint, base + lr.size(layout));
        return new InnerState(aw, new double[][] {am, av}, zPrev.step);
    }
}
