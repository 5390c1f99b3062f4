package io.hypergrad.common.koopman;

/**
 * Settings of the Koopman (glocal) estimator. Everything else in design §4.1 is a rule, not a setting:
 * the rank (numerical rank, Gavish–Donoho, ⌊(K − 1)/3⌋), the mode classes (|μ| &lt; 1 − 1/K
 * extrapolated, slower ones tried both ways, |μ| ≥ 1 frozen) and the trust test (skill and agreement
 * ratios ≤ {@link KoopmanEstimator#TRUST_RATIO}).
 *
 * @param delays Hankel delays d, or 0 for automatic ({@link #delaysFor})
 */
public record KoopmanConfig(int delays) {

    /** @throws IllegalArgumentException when delays &lt; 0 */
    public KoopmanConfig {
        if (delays < 0) {
            throw new IllegalArgumentException("delays must be >= 0 (0 = automatic), got " + delays);
        }
    }

    /** Automatic delays. */
    public static KoopmanConfig defaults() {
        return new KoopmanConfig(0);
    }

    /**
     * The delays for windows of {@code steps} local hypergradients of length {@code dim}:
     * {@link #delays()} if set, else 1 when q·1 ≥ K/3 (q large: the SVD already has room for the
     * dynamics), else d = ⌊K/(3q)⌋ so that q·d ≈ K/3 — the Hankel matrix then keeps two thirds of the
     * window as snapshot pairs, three per kept dimension.
     */
    public int delaysFor(int steps, int dim) {
        if (delays > 0) {
            return delays;
        }
        return Math.max(1, steps / (3 * dim));
    }

    /** A copy with another number of delays (0 = automatic). */
    public KoopmanConfig withDelays(int d) {
        return new KoopmanConfig(d);
    }
}
