package io.hypergrad.common.inner;

import io.hypergrad.common.nn.Activation;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.Model;
import io.hypergrad.common.nn.Role;
import io.hypergrad.common.random.CounterRng;

/** Small seeded problems shared by the inner-optimiser and estimator tests. */
public final class Fixtures {
    private Fixtures() {}

    /** A 3–5–4–3 tanh MLP whose first layer is λ and the rest w. */
    public static Model smallMlp() {
        return Model.mlp(new int[] {3, 5, 4, 3}, Activation.TANH, 1);
    }

    /** n examples of 3 features with labels in [0, 3), seeded. */
    public static Batch batch(int n, long seed) {
        CounterRng rng = CounterRng.of(seed);
        double[] x = new double[n * 3];
        int[] y = new int[n];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextGaussian();
        }
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(3);
        }
        return new Batch(x, new int[] {3}, y, null);
    }

    /** Initial values of a role's vector for a model, seeded. */
    public static double[] init(Model m, Role role, long seed) {
        return m.layout().initialise(role, CounterRng.of(seed));
    }

    /** Gaussian vector, seeded. */
    public static double[] gaussian(int n, long seed) {
        CounterRng rng = CounterRng.of(seed, 7);
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = rng.nextGaussian();
        }
        return a;
    }
}
