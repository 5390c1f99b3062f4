package io.hypergrad.common.hypergrad;

import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.random.CounterRng;
import java.util.function.IntFunction;

/**
 * HyperDistill's estimate of its scale θ: one DrMAD sweep on a fresh episode with λ fixed. Walking back
 * from t = T, the sweep's partial sum is the second-order term g^SO_s for horizon s = T − t + 1; the
 * distilled point is built backwards with p_s = (1 − γ^{s−1})/(1 − γ^s), v_s = α_T·∂Φ(z*_s, λ; D*_s)/∂λ,
 * and each step yields a sample x_s = ‖v_s‖(1 − γ^s)/(1 − γ), y_s = (v_s/‖v_s‖)ᵀ g^SO_s. Many tasks'
 * samples are pooled and θ = xᵀy / xᵀx.
 *
 * <p>x_s stands for the online estimator's term at t = s, whose JVP is taken at a distilled state with
 * the step counter s − 1 (the newest state it absorbed, z_{s−1}); the refit's v_s uses that same counter,
 * so an optimiser that reads it (Adam's bias correction) scales v_s as the online estimator does — not
 * the counter of the interpolated state absorbed last in the backward sweep (T − s).
 */
public final class ThetaRefit {
    private ThetaRefit() {}

    /** The pooled samples: x and y, parallel. */
    public record Samples(double[] x, double[] y) {
        /** Both sample sets, concatenated. */
        public Samples plus(Samples o) {
            double[] nx = java.util.Arrays.copyOf(x, x.length + o.x.length);
            System.arraycopy(o.x, 0, nx, x.length, o.x.length);
            double[] ny = java.util.Arrays.copyOf(y, y.length + o.y.length);
            System.arraycopy(o.y, 0, ny, y.length, o.y.length);
            return new Samples(nx, ny);
        }

        public static Samples empty() {
            return new Samples(new double[0], new double[0]);
        }
    }

    /**
     * One refit episode's samples, or the fault that stopped its inner loop (then no samples: a sweep
     * back from a diverging or non-finite z_T gives samples of any size, and a least-squares θ follows
     * its largest sample).
     */
    public record Sweep(Samples samples, EpisodeFault fault) {
        /** The samples; a faulted episode is an error. */
        public Samples require() {
            if (fault != null) {
                throw new ArithmeticException("the θ-refit episode stopped at " + fault.describe());
            }
            return samples;
        }
    }

    /**
     * Runs a fresh episode of {@code steps} steps from z_0 with λ fixed, checked as
     * {@link Episode#runGuarded} checks a training episode, and returns its samples — or its fault, also
     * when a sample is non-finite.
     *
     * @param divergence the divergence factor of {@link Episode#runGuarded} (∞: non-finite checks only)
     */
    public static Sweep samples(Bilevel problem, double[] lambda, InnerState z0, int steps, IntFunction<Batch> batches,
                                double gamma, long seed, double divergence) {
        Episode.Window forward = Episode.runGuarded(problem, lambda, z0, steps, batches, new ForwardOnly(), divergence,
                Trajectory.all());
        if (forward.fault() != null) {
            return new Sweep(Samples.empty(), forward.fault());
        }
        InnerState z = forward.state();
        double[] alpha = problem.valGradient(z.w, lambda).alpha();
        double[] acc = new double[lambda.length];
        double[] xs = new double[steps];
        double[] ys = new double[steps];
        Distillation[] d = new Distillation[1];
        DrMad.sweep(problem, lambda, z0, z, batches, alpha, acc, (t, zHat, batch, partial) -> {
            int s = steps - t + 1;
            int step = z0.step + t;
            if (s == 1) {
                d[0] = Distillation.start(zHat, batch, step);
            } else {
                double p = (1 - Math.pow(gamma, s - 1)) / (1 - Math.pow(gamma, s));
                d[0] = d[0].add(p, zHat, batch, step, CounterRng.of(seed, s, 0x7E7A));
            }
            double[] v = d[0].atStep(z0.step + s - 1).jvp(problem, lambda, alpha);
            double norm = 0;
            double dot = 0;
            for (int i = 0; i < v.length; i++) {
                norm += v[i] * v[i];
                dot += v[i] * partial[i];
            }
            norm = Math.sqrt(norm);
            xs[s - 1] = norm * (1 - Math.pow(gamma, s)) / (1 - gamma);
            ys[s - 1] = norm == 0 ? 0 : dot / norm;
        });
        for (int i = steps - 1; i >= 0; i--) {
            if (!Double.isFinite(xs[i]) || !Double.isFinite(ys[i])) {
                // Horizon s = i + 1 is reached at inner step T − i of the backward sweep.
                return new Sweep(Samples.empty(), new EpisodeFault(steps - i, EpisodeFault.NON_FINITE_HYPERGRADIENT,
                        Double.isFinite(xs[i]) ? ys[i] : xs[i]));
            }
        }
        return new Sweep(new Samples(xs, ys), null);
    }

    /**
     * The forward pass only steps: the backward sweep redraws each D_t by step from the batch function, so
     * the refit holds no batch copies (memory flat in T, as DrMAD's).
     */
    private static final class ForwardOnly implements HypergradientEstimator {
        @Override
        public String name() {
            return "θ-refit forward pass";
        }

        @Override
        public void begin(Bilevel problem, double[] lambda, InnerState z0) {}

        @Override
        public double[] observe(InnerState zPrev, Batch batch, InnerState z) {
            return null;
        }

        @Override
        public double[] estimate() {
            return new double[0];
        }

        @Override
        public long jvps() {
            return 0;
        }

        @Override
        public boolean online() {
            return false;
        }
    }

    /** θ = xᵀy / xᵀx; 1 when every x is 0 (no second-order signal to scale). */
    public static double fit(Samples s) {
        double xy = 0;
        double xx = 0;
        for (int i = 0; i < s.x().length; i++) {
            xy += s.x()[i] * s.y()[i];
            xx += s.x()[i] * s.x()[i];
        }
        return xx == 0 ? 1.0 : xy / xx;
    }
}
