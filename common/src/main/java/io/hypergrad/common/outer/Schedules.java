package io.hypergrad.common.outer;

/** The learning-rate schedules: constant, linear decay to 0, cosine decay to 0. */
public final class Schedules {
    private Schedules() {
    }

    /** lr at every step. */
    public static Schedule constant(double lr) {
        requireRate(lr);
        return step -> lr;
    }

    /**
     * lr·(1 − step/M) for step &lt; M, then 0: linear decay to zero over M steps.
     *
     * @param steps M ≥ 1
     */
    public static Schedule linearDecay(double lr, long steps) {
        requireRate(lr);
        requireSteps(steps);
        return step -> step >= steps ? 0.0 : lr * (1.0 - (double) step / steps);
    }

    /**
     * lr·(1 + cos(π·min(step, M)/M))/2: cosine decay from lr to zero over M steps, then 0
     * (Optax {@code cosine_decay_schedule} with α = 0).
     *
     * @param steps M ≥ 1
     */
    public static Schedule cosineDecay(double lr, long steps) {
        requireRate(lr);
        requireSteps(steps);
        return step -> step >= steps ? 0.0 : 0.5 * lr * (1.0 + Math.cos(Math.PI * step / steps));
    }

    private static void requireRate(double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException("learning rate must be finite and >= 0, got " + lr);
        }
    }

    private static void requireSteps(long steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("decay steps must be >= 1, got " + steps);
        }
    }
}
