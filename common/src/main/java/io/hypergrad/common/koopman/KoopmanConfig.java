package io.hypergrad.common.koopman;

/**
 * Settings of the Koopman (DMD) global estimator. Immutable; change a field with the {@code with…}
 * methods.
 *
 * @param delays          number d of delays in the Hankel embedding (≥ 1). Small H needs d ≥ 2: the
 *                        constant part of a converging trajectory is one more exponential than ℝ^H
 *                        can hold alongside its transients.
 * @param energyTolerance ε: the SVD keeps the smallest rank holding (1 − ε) of Σσ²; in [0, 1)
 * @param singularFloor   hard floor on σ_i/σ_1; in [0, 1)
 * @param unitTolerance   limit: modes with |μ − 1| ≤ this are the constant part; ≥ 0
 * @param maxResidual     fall back when the one-step fit residual ‖Y − AX‖_F/‖Y‖_F exceeds this; ≥ 0
 * @param minRedundancy   fall back unless snapshot pairs ≥ rank + this (0 disables the check); ≥ 0
 */
public record KoopmanConfig(int delays, double energyTolerance, double singularFloor,
                            double unitTolerance, double maxResidual, int minRedundancy) {

    /**
     * Validates the ranges documented on the record.
     *
     * @throws IllegalArgumentException naming the offending field
     */
    public KoopmanConfig {
        if (delays < 1) {
            throw new IllegalArgumentException("delays must be >= 1, got " + delays);
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
    }

    /**
     * Defaults: d = 2, ε = 1e-10, floor 1e-10, unit tolerance 1e-3, maximum residual 0.1,
     * redundancy 1. ε and the floor are set for smooth (exact or nearly exact) trajectories so that
     * slow transients are kept; raise ε for noisy local hypergradients.
     */
    public static KoopmanConfig defaults() {
        return new KoopmanConfig(2, 1e-10, 1e-10, 1e-3, 0.1, 1);
    }

    /** A copy with another number of delays. */
    public KoopmanConfig withDelays(int d) {
        return new KoopmanConfig(d, energyTolerance, singularFloor, unitTolerance, maxResidual, minRedundancy);
    }

    /** A copy with another energy tolerance ε. */
    public KoopmanConfig withEnergyTolerance(double eps) {
        return new KoopmanConfig(delays, eps, singularFloor, unitTolerance, maxResidual, minRedundancy);
    }

    /** A copy with another singular-value floor. */
    public KoopmanConfig withSingularFloor(double floor) {
        return new KoopmanConfig(delays, energyTolerance, floor, unitTolerance, maxResidual, minRedundancy);
    }

    /** A copy with another tolerance |μ − 1| for the limit. */
    public KoopmanConfig withUnitTolerance(double tol) {
        return new KoopmanConfig(delays, energyTolerance, singularFloor, tol, maxResidual, minRedundancy);
    }

    /** A copy with another maximum fit residual. */
    public KoopmanConfig withMaxResidual(double max) {
        return new KoopmanConfig(delays, energyTolerance, singularFloor, unitTolerance, max, minRedundancy);
    }

    /** A copy with another required redundancy (snapshot pairs beyond the rank). */
    public KoopmanConfig withMinRedundancy(int extra) {
        return new KoopmanConfig(delays, energyTolerance, singularFloor, unitTolerance, maxResidual, extra);
    }
}
