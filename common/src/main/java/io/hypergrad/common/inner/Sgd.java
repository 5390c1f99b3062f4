package io.hypergrad.common.inner;

import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.ParamLayout;
import java.util.List;

/**
 * SGD, optionally with momentum, in PyTorch's convention: g = ∇_w L + wd·w; m ← μ·m + g; w ← w − η·m
 * (without momentum: w ← w − η·g). Learning rate η, weight decay wd and momentum μ are each a constant
 * or a λ hook (global, per layer, per parameter).
 *
 * <p>Not thread-safe (it keeps per-parameter scratch); use one per thread, like {@link Loss}.
 */
public final class Sgd implements InnerOptimizer {
    private final ParamLayout layout;
    private final HyperHook lr;
    private final HyperHook wd;
    private final HyperHook momentum;
    private final double[] lrV;
    private final double[] wdV;
    private final double[] muV;

    /**
     * @param layout   the model's parameter layout
     * @param lr       learning rate η (value = exp(λ) when a hook)
     * @param wd       weight decay (value = exp(λ) when a hook)
     * @param momentum μ (value = sigmoid(λ) when a hook), or null for plain SGD without a buffer
     */
    public Sgd(ParamLayout layout, HyperHook lr, HyperHook wd, HyperHook momentum) {
        this.layout = layout;
        this.lr = lr;
        this.wd = wd;
        this.momentum = momentum;
        int p = layout.size(io.hypergrad.common.nn.Role.INNER);
        this.lrV = new double[p];
        this.wdV = new double[p];
        this.muV = new double[p];
    }

    /** Constant learning rate, momentum (0 for none) and weight decay. */
    public static Sgd constant(ParamLayout layout, double lr, double momentum, double weightDecay) {
        return new Sgd(layout, HyperHook.constant("learningRate", lr), HyperHook.constant("weightDecay", weightDecay),
                momentum == 0.0 ? null : HyperHook.constant("momentum", momentum));
    }

    @Override
    public List<HyperHook> settings() {
        return momentum == null ? List.of(lr, wd) : List.of(lr, wd, momentum);
    }

    @Override
    public int hyperSize() {
        return lr.size(layout) + wd.size(layout) + (momentum == null ? 0 : momentum.size(layout));
    }

    @Override
    public void initialiseHyper(double[] lambda, int off) {
        lr.initialise(layout, lambda, off);
        wd.initialise(layout, lambda, off + lr.size(layout));
        if (momentum != null) {
            momentum.initialise(layout, lambda, off + lr.size(layout) + wd.size(layout));
        }
    }

    @Override
    public InnerState init(double[] w0) {
        return new InnerState(w0.clone(), momentum == null ? new double[0][] : new double[][] {new double[w0.length]}, 0);
    }

    private void expand(double[] lambda, int base) {
        lr.expand(layout, lambda, base, lrV);
        wd.expand(layout, lambda, base + lr.size(layout), wdV);
        if (momentum != null) {
            momentum.expand(layout, lambda, base + lr.size(layout) + wd.size(layout), muV);
        }
    }

    @Override
    public InnerState update(InnerState z, double[] lambda, Batch batch, Loss loss) {
        int base = InnerOptimizer.modelHyperSize(loss);
        expand(lambda, base);
        SweepResult r = loss.sweep(z.w, null, InnerOptimizer.modelLambda(lambda, loss), batch);
        int p = z.w.length;
        double[] w = new double[p];
        if (momentum == null) {
            for (int i = 0; i < p; i++) {
                double g = r.gradW[i] + wdV[i] * z.w[i];
                w[i] = z.w[i] - lrV[i] * g;
            }
            return new InnerState(w, z.buffers, z.step + 1);
        }
        double[] m = new double[p];
        double[] m0 = z.buffers[0];
        for (int i = 0; i < p; i++) {
            double g = r.gradW[i] + wdV[i] * z.w[i];
            m[i] = muV[i] * m0[i] + g;
            w[i] = z.w[i] - lrV[i] * m[i];
        }
        return new InnerState(w, new double[][] {m}, z.step + 1);
    }

    @Override
    public InnerState jvp(InnerState zPrev, double[] lambda, Batch batch, InnerState zTangent, double[] lambdaTangent,
                          Loss loss) {
        int base = InnerOptimizer.modelHyperSize(loss);
        expand(lambda, base);
        int p = zPrev.w.length;
        double[] lrT = new double[p];
        double[] wdT = new double[p];
        double[] muT = new double[p];
        lr.expandTangent(layout, lambdaTangent, base, lrV, lrT);
        wd.expandTangent(layout, lambdaTangent, base + lr.size(layout), wdV, wdT);
        if (momentum != null) {
            momentum.expandTangent(layout, lambdaTangent, base + lr.size(layout) + wd.size(layout), muV, muT);
        }
        SweepResult r = loss.sweep(zPrev.w, zTangent.w, InnerOptimizer.modelLambda(lambda, loss),
                InnerOptimizer.modelLambda(lambdaTangent, loss), batch);
        double[] wt = new double[p];
        double[] mt = momentum == null ? null : new double[p];
        for (int i = 0; i < p; i++) {
            double g = r.gradW[i] + wdV[i] * zPrev.w[i];
            double gt = r.hvpW[i] + wdV[i] * zTangent.w[i] + wdT[i] * zPrev.w[i];
            if (momentum == null) {
                wt[i] = zTangent.w[i] - lrT[i] * g - lrV[i] * gt;
            } else {
                double m = muV[i] * zPrev.buffers[0][i] + g;
                mt[i] = muT[i] * zPrev.buffers[0][i] + muV[i] * zTangent.buffers[0][i] + gt;
                wt[i] = zTangent.w[i] - lrT[i] * m - lrV[i] * mt[i];
            }
        }
        return new InnerState(wt, momentum == null ? new double[0][] : new double[][] {mt}, zPrev.step + 1);
    }

    @Override
    public InnerState vjp(InnerState zPrev, double[] lambda, Batch batch, InnerState adjoint, Loss loss,
                          double[] lambdaAdjoint) {
        int base = InnerOptimizer.modelHyperSize(loss);
        expand(lambda, base);
        int p = zPrev.w.length;
        double[] a = adjoint.w;
        // c is the adjoint reaching g: through m_t (when present) and through w_t = w − η·m_t.
        double[] c = new double[p];
        for (int i = 0; i < p; i++) {
            c[i] = (momentum == null ? 0.0 : adjoint.buffers[0][i]) - lrV[i] * a[i];
        }
        SweepResult r = loss.sweep(zPrev.w, c, InnerOptimizer.modelLambda(lambda, loss), batch);
        double[] aw = new double[p];
        double[] lrAdj = new double[p];
        double[] wdAdj = new double[p];
        for (int i = 0; i < p; i++) {
            double g = r.gradW[i] + wdV[i] * zPrev.w[i];
            double step = momentum == null ? g : muV[i] * zPrev.buffers[0][i] + g;
            aw[i] = a[i] + r.hvpW[i] + wdV[i] * c[i];
            lrAdj[i] = -a[i] * step;
            wdAdj[i] = c[i] * zPrev.w[i];
        }
        for (int i = 0; i < r.hvpLambda.length; i++) {
            lambdaAdjoint[i] += r.hvpLambda[i];
        }
        lr.accumulate(layout, lrAdj, lrV, lambdaAdjoint, base);
        wd.accumulate(layout, wdAdj, wdV, lambdaAdjoint, base + lr.size(layout));
        if (momentum == null) {
            return new InnerState(aw, new double[0][], zPrev.step);
        }
        double[] am = new double[p];
        double[] muAdj = new double[p];
        for (int i = 0; i < p; i++) {
            am[i] = muV[i] * c[i];
            muAdj[i] = c[i] * zPrev.buffers[0][i];
        }
        momentum.accumulate(layout, muAdj, muV, lambdaAdjoint, base + lr.size(layout) + wd.size(layout));
        return new InnerState(aw, new double[][] {am}, zPrev.step);
    }
}
