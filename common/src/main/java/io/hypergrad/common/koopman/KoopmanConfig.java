package io.hypergrad.common.koopman;

/**
 * Settings of the Koopman (DMD) global estimator. Immutable; change a field with the {@code with…}
 * methods.
 *
 * @param delays          number d of delays in the Hankel embedding, or 0 for automatic
 *                        ({@link #delaysFor}). Small H needs d ≥ 2: the constant part of a converging
 *                        trajectory is one exponential more than ℝ^H can hold beside its transients.
 * @param energyTolerance ε: the SVD keeps the smallest rank whose discarded tail holds at most
 *                        ε·Σσ²; in [0, 1). 0 keeps everything above the floor.
 * @param singularFloor   hard floor on σ_i/σ_1; in [0, 1)
 * @param unitTolerance   limit: modes with |μ − 1| ≤ this are the constant part; ≥ 0
 * @param maxResidual     fall back when the one-step fit residual ‖Y − AX‖_F/‖Y‖_F exceeds this; ≥ 0
 * @param minRedundancy   fall back unless snapshot pairs ≥ rank + this (0 disables the check); ≥ 0
 * @param maxInstability  fall back when dropping the last step of the window changes the estimate by
 *                        more than this, relative (∞ disables the check and its second fit); ≥ 0
 */
public record KoopmanConfig(int delays, double energyTolerance, double singularFloor,
                            double unitTolerance, double maxResidual, int minRedundancy,
                            double maxInstability) {

    /**
     * Validates the ranges documented on the record.
     *
     * @throws IllegalArgumentException naming the offending field
     */
    public KoopmanConfig {
        if (delays < 0) {
            throw new IllegalArgumentException("delays must be >= 0 (0 = automatic), got " + delays);
        }
        if (!(energyTolerance >= 0 && energyTolerance < 1)) {
            throw new IllegalArgumentException("energyTolerance must be in [0, 1), got " + energyTolerance);
        }
        if (!(singularFloor >= 0 && singularFloor < 1)) {
            throw new IllegalArgumentException("singularFloor must be in [0, 1), got " + singularFloor);
        }
        if (!(unitTolerance >= 0) || Double.isInfinite(unitTolerance)) {
            throw new IllegalArgumentException("unitTolerance must be finite and >= 0, got " + unitTolerance);
        }
        if (!(maxResidual >= 0)) {
            throw new IllegalArgumentException("maxResidual must be >= 0, got " + maxResidual);
        }
        if (minRedundancy < 0) {
            throw new IllegalArgumentException("minRedundancy must be >= 0, got " + minRedundancy);
        }
        if (!(maxInstability >= 0)) {
            throw new IllegalArgumentException("maxInstability must be >= 0, got " + maxInstability);
        }
    }

    /**
     * Defaults for exact (forward- or reverse-mode) local hypergradients: automatic delays, ε = 0,
     * floor 1e-12, unit tolerance 1e-3, maximum residual 0.1, redundancy 1, instability 1e-3.
     *
     * <p>Why ε = 0 and such a low floor: what separates the constant (μ = 1) from a slow transient
     * (μ ≈ 0.95–0.99) over a short window lives in singular values far below 1e-8·σ_1 — an energy
     * rule throws them away first. The floor sits about 1e4 above double rounding. For stochastic
     * local hypergradients raise ε (to about the noise energy fraction) and the floor; the residual
     * and instability checks then decide whether to trust the fit.
     */
    public static KoopmanConfig defaults() {
        return new KoopmanConfig(0, 0.0, 1e-12, 1e-3, 0.1, 1, 1e-3);
    }

    /**
     * The number of delays used for a window of {@code steps} local hypergradients of length
     * {@code dim}: {@link #delays()} if set, else d = max(1, min(⌊K/(H+1)⌋, ⌊K/3⌋)), which makes the
     * Hankel matrix about square (H·d ≈ K − d rows and columns) while keeping at least two thirds of
     * the window as snapshot pairs.
     */
    public int delaysFor(int steps, int dim) {
        if (delays > 0) {
            return delays;
        }
        return Math.max(1, Math.min(steps / (dim + 1), steps / 3));
    }

    /** A copy with another number of delays (0 = automatic). */
    public KoopmanConfig withDelays(int d) {
        return new KoopmanConfig(d, energyTolerance, singularFloor, unitTolerance, maxResidual,
                minRedundancy, maxInstability);
    }

    /** A copy with another energy tolerance ε. */
    public KoopmanConfig withEnergyTolerance(double eps) {
        return new KoopmanConfig(delays, eps, singularFloor, unitTolerance, maxResidual, minRedundancy,
                maxInstability);
    }

    /** A copy with another singular-value floor. */
    public KoopmanConfig withSingularFloor(double floor) {
        return new KoopmanConfig(delays, energyTolerance, floor, unitTolerance, maxResidual, minRedundancy,
                maxInstability);
    }

    /** A copy with another tolerance |μ − 1| for the limit. */
    public KoopmanConfig withUnitTolerance(double tol) {
        return new KoopmanConfig(delays, energyTolerance, singularFloor, tol, maxResidual, minRedundancy,
                maxInstability);
    }

    /** A copy with another maximum fit residual. */
    public KoopmanConfig withMaxResidual(double max) {
        return new KoopmanConfig(delays, energyTolerance, singularFloor, unitTolerance, max, minRedundancy,
                maxInstability);
    }

    /** A copy with another required redundancy (snapshot pairs beyond the rank). */
    public KoopmanConfig withMinRedundancy(int extra) {
        return new KoopmanConfig(delays, energyTolerance, singularFloor, unitTolerance, maxResidual, extra,
                maxInstability);
    }

    /** A copy with another maximum leave-last-step-out instability (∞ disables). */
    public KoopmanConfig withMaxInstability(double max) {
        return new KoopmanConfig(delays, energyTolerance, singularFloor, unitTolerance, maxResidual,
                minRedundancy, max);
    }
}
