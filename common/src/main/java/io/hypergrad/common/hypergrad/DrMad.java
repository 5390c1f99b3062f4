package io.hypergrad.common.hypergrad;

import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.nn.Batch;
import java.util.function.IntFunction;

/**
 * {@code drmad} (Fu et al. 2016): a reverse sweep over the straight line between z_0 and z_T instead of
 * the stored trajectory, ẑ_{t−1} = (1 − (t−1)/T)·z_0 + ((t−1)/T)·z_T; the optimiser buffers are
 * interpolated like w. Memory: z_0 and z_T — flat in T: the batches are redrawn by step from the
 * episode's batch function ({@link #drawsBatchesFrom}), never held. Exact when the trajectory is that
 * line.
 *
 * <p>Cost: T JVPs, where the paper's accounting (and the HyperDistill paper's table) says 2T − 1. The
 * papers count the adjoint's transport ā·A_t (T − 1 products: none is needed below t = 1) and the
 * hyperparameter products ā·B_t (T) as separate Jacobian products; here one forward-over-reverse sweep
 * at ẑ_{t−1} yields both, as it does for {@code reverse}, so {@link #jvps} counts the T sweeps spent.
 */
public final class DrMad extends AbstractEstimator {
    private InnerState first;
    private IntFunction<Batch> source;

    @Override
    public String name() {
        return "drmad";
    }

    @Override
    public void begin(Bilevel problem, double[] lambda, InnerState z0) {
        super.begin(problem, lambda, z0);
        first = z0;
    }

    @Override
    public void drawsBatchesFrom(IntFunction<Batch> batches) {
        source = batches;
    }

    @Override
    public double[] observe(InnerState zPrev, Batch batch, InnerState z) {
        requireBegun();
        if (source == null) {
            throw new IllegalStateException("drmad redraws its batches by step: run it through Episode, or call drawsBatchesFrom first");
        }
        last = z;
        return null;
    }

    @Override
    public double[] estimate() {
        requireBegun();
        Bilevel.ValGradient vg = problem.valGradient(last.w, lambda);
        double[] h = vg.fo().clone();
        sweep(problem, lambda, first, last, source, vg.alpha(), h, null);
        return h;
    }

    /** Visits each step of the sweep (for the θ refit). */
    interface StepVisitor {
        /** Called after step t (1-based) with its interpolated state, batch and the partial sum so far. */
        void visit(int t, InnerState zHat, Batch batch, double[] partialSum);
    }

    /**
     * The DrMAD reverse sweep from α on w_T: adds ā·B_t into {@code acc} for t = T … 1 (T = zT.step −
     * z0.step), where the adjoint moves by the optimiser's VJP at the interpolated states and D_t is
     * redrawn as {@code batches.apply(z0.step + t)}.
     */
    static void sweep(Bilevel problem, double[] lambda, InnerState z0, InnerState zT, IntFunction<Batch> batches,
                      double[] alpha, double[] acc, StepVisitor visitor) {
        int steps = zT.step - z0.step;
        InnerState adj = Bilevel.seed(zT, alpha);
        for (int t = steps; t >= 1; t--) {
            double frac = (t - 1) / (double) steps;
            InnerState zHat = InnerState.mix(1 - frac, z0, zT);
            InnerState hatAtStep = new InnerState(zHat.w, zHat.buffers, z0.step + t - 1);
            Batch batch = batches.apply(z0.step + t);
            adj = problem.optimizer().vjp(hatAtStep, lambda, batch, adj, problem.train(), acc);
            if (visitor != null) {
                visitor.visit(t, hatAtStep, batch, acc);
            }
        }
    }

    @Override
    public boolean online() {
        return false;
    }

    @Override
    public String approximation() {
        return "the trajectory is replaced by the straight line between z_0 and z_T (w and optimiser buffers)";
    }
}
