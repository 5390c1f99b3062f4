package io.hypergrad.common.hypergrad;

import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.random.CounterRng;
import java.util.function.IntFunction;

/**
 * {@code hyperdistill(γ)} (Lee et al., ICLR 2022): per online step t,
 * p_t = (γ − γᵗ)/(1 − γᵗ); the distilled state and batch absorb (z_{t−1}, D_t) with weight 1 − p_t;
 * v_t = α_t·∂Φ(z*, λ; D*)/∂λ (one JVP); g_t = g^FO_t + θ·(1 − γᵗ)/(1 − γ)·v_t. With γ = 0 and θ = 1 it
 * is exactly {@code one-step}. Memory is one distilled state and batch: flat in the horizon.
 *
 * <p>An episode cut into windows carries t, θ, the seed and the distilled point across them
 * ({@link #carry}, {@link #resume}): with λ fixed the cut episode's estimates equal the uncut one's bit
 * for bit. θ and the seed are the episode's own, fixed when it began, even when the estimator that
 * resumes it was made with others (a θ refit between windows applies to episodes that begin later).
 */
public final class HyperDistill extends AbstractEstimator {
    private final double gamma;
    private final double theta;
    private final long seed;
    private final boolean unitScale;
    private double episodeTheta;
    private long episodeSeed;
    private Distillation distilled;
    private int t;

    /**
     * @param gamma the decay γ in [0, 1)
     * @param theta the scale θ (fitted by {@link ThetaRefit}, or fixed, e.g. 1 when g^FO ≡ 0)
     * @param seed  keys the subsampling of D*
     */
    public HyperDistill(double gamma, double theta, long seed) {
        this(gamma, theta, seed, false);
    }

    /**
     * HyperDistill with π* = 1: g_t = g^FO_t + v_t, the distilled term unscaled (no θ, no (1 − γ^t)/(1 − γ)).
     * The HyperDistill paper's literal setting for Meta-Weight-Net, where g^FO ≡ 0; θ = 1 instead keeps
     * the (1 − γ^t)/(1 − γ) growth, up to 1/(1 − γ) (100 at γ = 0.99), which only the outer step size sees.
     */
    public static HyperDistill unitScale(double gamma, long seed) {
        return new HyperDistill(gamma, 1.0, seed, true);
    }

    private HyperDistill(double gamma, double theta, long seed, boolean unitScale) {
        if (!(gamma >= 0 && gamma < 1)) {
            throw new IllegalArgumentException("hyperdistill: γ must be in [0, 1), got " + gamma);
        }
        if (!Double.isFinite(theta)) {
            throw new IllegalArgumentException("hyperdistill: θ must be finite, got " + theta);
        }
        this.gamma = gamma;
        this.theta = theta;
        this.seed = seed;
        this.unitScale = unitScale;
    }

    @Override
    public String name() {
        return unitScale ? "hyperdistill(" + gamma + ", π*=1)" : "hyperdistill(" + gamma + ", θ=" + theta + ")";
    }

    @Override
    public void begin(Bilevel problem, double[] lambda, InnerState z0) {
        super.begin(problem, lambda, z0);
        distilled = null;
        t = 0;
        episodeTheta = theta;
        episodeSeed = seed;
    }

    @Override
    public DistilledPoint carry() {
        return distilled == null ? null
                : new DistilledPoint(t, episodeTheta, episodeSeed, distilled.state(), distilled.steps(), distilled.rows());
    }

    @Override
    public void resume(Bilevel problem, double[] lambda, InnerState z, DistilledPoint carried, IntFunction<Batch> batches) {
        super.begin(problem, lambda, z);
        t = carried.t();
        episodeTheta = carried.theta();
        episodeSeed = carried.seed();
        distilled = Distillation.restore(carried.state(), carried.steps(), carried.rows(), batches);
    }

    @Override
    public double[] observe(InnerState zPrev, Batch batch, InnerState z) {
        requireBegun();
        t++;
        if (t == 1) {
            distilled = Distillation.start(zPrev, batch, z.step);
        } else {
            double gt = Math.pow(gamma, t);
            double p = (gamma - gt) / (1 - gt);
            distilled = distilled.add(p, zPrev, batch, z.step, CounterRng.of(episodeSeed, zPrev.step, 0xD157));
        }
        last = z;
        Bilevel.ValGradient vg = problem.valGradient(z.w, lambda);
        double[] v = distilled.jvp(problem, lambda, vg.alpha());
        double scale = unitScale ? 1.0 : episodeTheta * (1 - Math.pow(gamma, t)) / (1 - gamma);
        double[] g = vg.fo().clone();
        for (int i = 0; i < g.length; i++) {
            g[i] += scale * v[i];
        }
        return g;
    }

    @Override
    public double[] estimate() {
        throw new IllegalStateException("hyperdistill is online: use the estimate observe() returned for the last step");
    }

    @Override
    public boolean online() {
        return true;
    }

    /** The distilled point, for checkpoints and inspection (null before the first step). */
    public Distillation distilled() {
        return distilled;
    }

    @Override
    public String approximation() {
        return "the second-order term is one JVP at a distilled state (w and optimiser buffers averaged with weights γ^k) "
                + "and a distilled batch, scaled by θ";
    }
}
