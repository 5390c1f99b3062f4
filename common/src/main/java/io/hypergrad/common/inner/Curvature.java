package io.hypergrad.common.inner;

import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.random.CounterRng;

/**
 * The stiffness of an inner problem, for diagnosing inner-loop divergence: the largest-magnitude
 * eigenvalue of the training loss's Hessian in w, by power iteration on exact Hessian-vector products,
 * and the bound on it under which SGD with momentum is stable on a quadratic.
 *
 * <p>SGD with momentum μ and learning rate η on a quadratic with curvature h (PyTorch's update, as
 * {@link Sgd}) converges iff η·h &lt; 2(1 + μ); past that the iterates grow geometrically. Meta-learning
 * a feature extractor (ANIL's body) changes the curvature the head's inner loop sees, so an outer step
 * can push a stable inner loop over that edge.
 */
public final class Curvature {
    private Curvature() {}

    /** The largest h for which SGD with learning rate η and momentum μ is stable on a quadratic: 2(1 + μ)/η. */
    public static double momentumSgdBound(double lr, double momentum) {
        if (!(lr > 0) || !(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("need lr > 0 and momentum in [0, 1), got " + lr + ", " + momentum);
        }
        return 2 * (1 + momentum) / lr;
    }

    /**
     * The largest-magnitude eigenvalue of ∇²_w L_train(w, λ; batch) by power iteration from a seeded
     * random start (one forward-over-reverse sweep per iteration; they count as the loss's JVPs). For a
     * positive semi-definite Hessian — a least-squares head — it is the top eigenvalue.
     *
     * @param iterations power iterations (a few dozen give 2–3 digits when the top eigenvalue is separated)
     * @return the Rayleigh quotient vᵀHv of the last iterate
     */
    public static double topEigenvalue(Loss loss, double[] w, double[] lambdaModel, Batch batch, int iterations, long seed) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be ≥ 1, got " + iterations);
        }
        CounterRng rng = CounterRng.of(seed, 0xC0A7);
        double[] v = new double[w.length];
        for (int i = 0; i < v.length; i++) {
            v[i] = 2 * rng.nextDouble() - 1;
        }
        double rayleigh = 0;
        for (int it = 0; it < iterations; it++) {
            double n = norm(v);
            if (n == 0) {
                return 0;
            }
            for (int i = 0; i < v.length; i++) {
                v[i] /= n;
            }
            // The loss reuses its result arrays: copy the product before the next sweep.
            double[] hv = loss.sweep(w, v, lambdaModel, batch).hvpW.clone();
            rayleigh = 0;
            for (int i = 0; i < v.length; i++) {
                rayleigh += v[i] * hv[i];
            }
            v = hv;
        }
        return rayleigh;
    }

    private static double norm(double[] a) {
        double s = 0;
        for (double x : a) {
            s += x * x;
        }
        return Math.sqrt(s);
    }
}
