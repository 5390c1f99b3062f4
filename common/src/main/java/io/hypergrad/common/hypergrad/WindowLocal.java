package io.hypergrad.common.hypergrad;

import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.nn.Batch;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.IntFunction;

/**
 * {@code local[:mode[:S]]}: the exact window-local hypergradients glocal extrapolates (design §4.1) — h_t,
 * the hypergradient of L_val(w_t, λ) through the steps since the window began (z at the window's start
 * held constant), emitted at every S-th step of the window (t − t_0 = S, 2S, …). A continuing episode
 * begins a fresh estimator at each window, so nothing carries over: at t_0 the tangents (forward) or the
 * stored steps (reverse) start empty. Every h_t sees the problem's one validation batch, the same at
 * every step of the window.
 *
 * <p>Two exact ways to the same numbers, chosen by {@code mode}:
 * <ul>
 *   <li>{@code forward}: forward mode from t_0, one tangent of z per hyperparameter — H JVPs per inner
 *       step whatever S is, O(H·|z|) memory; for small λ.</li>
 *   <li>{@code reverse}: keeps the window's states (O(τ·|z|); the batches are redrawn by step,
 *       not held) and, at each emitted t, sweeps back to t_0 —
 *       t − t_0 JVPs. Over a window of τ = mS steps that is S·m(m + 1)/2 ≈ τ²/(2S) JVPs, independent of
 *       H; for large λ, with S chosen to bound the cost (τ = 100, S = 10: 550 JVPs).</li>
 *   <li>{@code auto} (the default): forward when H ≤ {@link #AUTO_FORWARD_MAX}, else reverse.</li>
 * </ul>
 * The window length must be a multiple of S so the last step's hypergradient (the window-truncated
 * "local" estimate, h_K) is the last row.
 */
public final class WindowLocal extends AbstractEstimator {
    /**
     * Auto picks forward mode up to this |λ|: forward costs H JVPs per step, reverse at stride S about
     * τ/(2S) per step, which for the windows glocal uses (τ of 50–200, S of 1–10) lies between 2.5 and
     * 100; 32 sits in that range and keeps forward's memory (H copies of z) small.
     */
    public static final int AUTO_FORWARD_MAX = 32;

    /** How the window-local hypergradients are computed. */
    public enum Mode {
        AUTO, FORWARD, REVERSE
    }

    private final Mode mode;
    private final int stride;
    private boolean reverse;
    private InnerState start;
    /** Forward mode from the window's start: a fresh {@link Forward} per window. */
    private Forward forward;
    private final List<InnerState> states = new ArrayList<>();
    private IntFunction<Batch> source;

    /**
     * @param mode   forward, reverse or auto (by |λ| at {@link #begin})
     * @param stride S ≥ 1: emit h_t every S-th step of the window
     */
    public WindowLocal(Mode mode, int stride) {
        if (stride < 1) {
            throw new IllegalArgumentException("local: stride must be >= 1, got " + stride);
        }
        this.mode = mode;
        this.stride = stride;
    }

    @Override
    public String name() {
        return "local:" + mode.name().toLowerCase(Locale.ROOT) + ":" + stride;
    }

    /** The stride S: rows of the trajectory are S inner steps apart. */
    @Override
    public int stride() {
        return stride;
    }

    /** Whether this episode uses reverse mode (auto decides at {@link #begin}). */
    public boolean reverse() {
        requireBegun();
        return reverse;
    }

    @Override
    public void begin(Bilevel problem, double[] lambda, InnerState z0) {
        super.begin(problem, lambda, z0);
        int h = problem.hyperSize();
        reverse = mode == Mode.REVERSE || (mode == Mode.AUTO && h > AUTO_FORWARD_MAX);
        start = z0;
        states.clear();
        forward = null;
        if (!reverse) {
            forward = new Forward();
            forward.begin(problem, lambda, z0);
        }
    }

    @Override
    public void drawsBatchesFrom(IntFunction<Batch> batches) {
        source = batches;
    }

    @Override
    public double[] observe(InnerState zPrev, Batch batch, InnerState z) {
        requireBegun();
        if (reverse) {
            if (source == null) {
                throw new IllegalStateException("local:reverse redraws its batches by step: run it through Episode, or call drawsBatchesFrom first");
            }
            states.add(zPrev);
        } else {
            forward.advance(zPrev, batch, z);
        }
        last = z;
        return (z.step - start.step) % stride == 0 ? estimate() : null;
    }

    /** h at the last observed step: fo + α·dw_t/dλ through the window so far. */
    @Override
    public double[] estimate() {
        requireBegun();
        if (!reverse) {
            return forward.estimate();
        }
        Bilevel.ValGradient vg = problem.valGradient(last.w, lambda);
        double[] h = vg.fo().clone();
        InnerState adj = Bilevel.seed(last, vg.alpha());
        for (int i = states.size() - 1; i >= 0; i--) {
            InnerState zPrev = states.get(i);
            adj = problem.optimizer().vjp(zPrev, lambda, source.apply(zPrev.step + 1), adj, problem.train(), h);
        }
        return h;
    }

    @Override
    public boolean online() {
        return true;
    }

    @Override
    public String approximation() {
        return "z at the window's start is held constant (window-local)";
    }
}
