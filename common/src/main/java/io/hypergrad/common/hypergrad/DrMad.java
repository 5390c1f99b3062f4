package io.hypergrad.common.hypergrad;

import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.nn.Batch;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code drmad} (Fu et al. 2016): a reverse sweep over the straight line between z_0 and z_T instead of
 * the stored trajectory, ẑ_{t−1} = (1 − (t−1)/T)·z_0 + ((t−1)/T)·z_T; the optimiser buffers are
 * interpolated like w. Memory: z_0, z_T and the batch references — flat in T. Exact when the
 * trajectory is that line.
 */
public final class DrMad extends AbstractEstimator {
    private InnerState first;
    private final List<Batch> batches = new ArrayList<>();

    @Override
    public String name() {
        return "drmad";
    }

    @Override
    public void begin(Bilevel problem, double[] lambda, InnerState z0) {
        super.begin(problem, lambda, z0);
        first = z0;
        batches.clear();
    }

    @Override
    public double[] observe(InnerState zPrev, Batch batch, InnerState z) {
        requireBegun();
        batches.add(batch);
        last = z;
        return null;
    }

    @Override
    public double[] estimate() {
        requireBegun();
        Bilevel.ValGradient vg = problem.valGradient(last.w, lambda);
        double[] h = vg.fo().clone();
        sweep(problem, lambda, first, last, batches, vg.alpha(), h, null);
        return h;
    }

    /** Visits each step of the sweep (for the θ refit). */
    interface StepVisitor {
        /** Called after step t (1-based) with its interpolated state, batch and the partial sum so far. */
        void visit(int t, InnerState zHat, Batch batch, double[] partialSum);
    }

    /**
     * The DrMAD reverse sweep from α on w_T: adds ā·B_t into {@code acc} for t = T … 1, where the
     * adjoint moves by the optimiser's VJP at the interpolated states.
     */
    static void sweep(Bilevel problem, double[] lambda, InnerState z0, InnerState zT, List<Batch> batches, double[] alpha,
                      double[] acc, StepVisitor visitor) {
        int steps = batches.size();
        InnerState adj = Bilevel.seed(zT, alpha);
        for (int t = steps; t >= 1; t--) {
            double frac = (t - 1) / (double) steps;
            InnerState zHat = InnerState.mix(1 - frac, z0, zT);
            InnerState hatAtStep = new InnerState(zHat.w, zHat.buffers, z0.step + t - 1);
            adj = problem.optimizer().vjp(hatAtStep, lambda, batches.get(t - 1), adj, problem.train(), acc);
            if (visitor != null) {
                visitor.visit(t, hatAtStep, batches.get(t - 1), acc);
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
