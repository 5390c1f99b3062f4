package io.hypergrad.common.koopman;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The glocal global estimator: turns a window of local hypergradients h_1..h_K into a global one via
 * a Hankel-embedded exact DMD (see {@link HankelEmbedding} and {@link DmdModel}).
 *
 * <p>Block convention. Snapshot x_i = [h_i; …; h_{i+d−1}], so the last snapshot x_m ends with h_K and
 * the model x_{m+k} ≈ Σ_j b_j μ_j^k φ_j predicts h_{K+k} as the <em>last</em> H-block of x_{m+k}.
 * For k = 0 that is the fitted h_K; on an exactly linear trajectory it is h_{K+k} exactly.
 * The limit reads the <em>first</em> block of the unit modes: an eigenvalue-1 mode repeats the same
 * block d times (block b+1 = μ·block b), so for μ = 1 all blocks agree and the first is as good as any.
 *
 * <p>Trust. The estimate falls back to h_K, with a {@link FallbackReason}, when the window is too
 * short for the delays, anything is non-finite, the SVD keeps nothing, the fit is underdetermined or
 * poor, the estimate moves when the last step is left out (instability), or — for the limit — no
 * eigenvalue is within the tolerance of 1 (see {@link KoopmanConfig}). The spectrum is reported
 * whenever the fit was reached. Stateless and thread-safe; count fallbacks across calls with a
 * {@link FallbackCounter}.
 */
public final class KoopmanEstimator {
    /** Marks the limit target in {@link #estimate}; extrapolation horizons are ≥ 0. */
    private static final long LIMIT = -1;

    private final KoopmanConfig config;

    /** An estimator with the given settings. */
    public KoopmanEstimator(KoopmanConfig config) {
        this.config = Objects.requireNonNull(config, "config");
    }

    /** An estimator with {@link KoopmanConfig#defaults()}. */
    public KoopmanEstimator() {
        this(KoopmanConfig.defaults());
    }

    /** The settings. */
    public KoopmanConfig config() {
        return config;
    }

    /**
     * The limit estimate: Re Σ_{|μ_j − 1| ≤ tol} b_j φ_j, first H-block — the constant part of the
     * trajectory, i.e. the hypergradient of a converged inner loop.
     */
    public KoopmanResult limit(Trajectory h) {
        return checked(h, LIMIT);
    }

    /**
     * The extrapolation to {@code horizon} steps after the last local hypergradient:
     * h_{K+horizon} ≈ last H-block of Re Σ_j b_j μ̂_j^horizon φ_j, with μ̂ = μ/|μ| when |μ| &gt; 1
     * (noise-born unstable modes may rotate but not grow).
     *
     * @param horizon steps beyond h_K, ≥ 0 (0 returns the DMD fit of h_K)
     */
    public KoopmanResult extrapolate(Trajectory h, long horizon) {
        if (horizon < 0) {
            throw new IllegalArgumentException("horizon must be >= 0, got " + horizon);
        }
        return checked(h, horizon);
    }

    /**
     * The DMD model of the window, without any trust checks (for diagnostics).
     *
     * @throws IllegalArgumentException if the window is shorter than d + 1 steps
     */
    public DmdModel fit(Trajectory h) {
        return fit(h, config.delaysFor(h.steps(), h.dim()));
    }

    private DmdModel fit(Trajectory h, int d) {
        int m = HankelEmbedding.snapshotCount(h.steps(), d);
        double[] x = HankelEmbedding.snapshots(h, d);
        return DmdModel.fit(x, h.dim() * d, m, config.energyTolerance(), config.singularFloor());
    }

    /** The estimate plus the leave-last-step-out check. */
    private KoopmanResult checked(Trajectory h, long target) {
        int d = config.delaysFor(h.steps(), h.dim());
        KoopmanResult full = estimate(h, d, target);
        if (full.fallback() || Double.isInfinite(config.maxInstability())) {
            return full;
        }
        // Same delays, same target time: the shorter window's horizon is one step longer.
        KoopmanResult shorter = estimate(h.prefix(h.steps() - 1), d, target == LIMIT ? LIMIT : target + 1);
        if (shorter.fallback()) {
            return full.asFallback(h.last(), FallbackReason.UNSTABLE,
                    "without its last step the window falls back (" + shorter.reason() + ": "
                            + shorter.detail() + ")", Double.NaN);
        }
        double instability = relativeChange(shorter.estimate(), full.estimate());
        if (!(instability <= config.maxInstability())) {
            return full.asFallback(h.last(), FallbackReason.UNSTABLE, String.format(Locale.ROOT,
                    "leaving out the last step moves the estimate by %.3g (relative), above %.3g",
                    instability, config.maxInstability()), instability);
        }
        return full.withInstability(instability);
    }

    /** One fit and one read-out, with every check but instability. */
    private KoopmanResult estimate(Trajectory h, int d, long target) {
        int m = HankelEmbedding.snapshotCount(h.steps(), d);
        if (m < 2) {
            return fallback(h, d, FallbackReason.WINDOW_TOO_SHORT, h.steps() + " steps with " + d
                    + " delays give " + Math.max(m, 0) + " snapshots; DMD needs at least 2", null);
        }
        if (!h.isFinite()) {
            return fallback(h, d, FallbackReason.NON_FINITE, "the window contains NaN or infinite values", null);
        }
        DmdModel model;
        try {
            model = fit(h, d);
        } catch (ArithmeticException e) {
            return fallback(h, d, FallbackReason.LAPACK_FAILURE, e.getMessage(), null);
        }
        if (model.rank() == 0) {
            return fallback(h, d, FallbackReason.EMPTY_RANK, "the SVD kept no singular value", model);
        }
        int pairs = m - 1;
        if (config.minRedundancy() > 0 && pairs < model.rank() + config.minRedundancy()) {
            return fallback(h, d, FallbackReason.UNDERDETERMINED, pairs + " snapshot pairs for rank "
                    + model.rank() + "; need at least rank + " + config.minRedundancy() + " to check the fit",
                    model);
        }
        if (!model.isFinite()) {
            return fallback(h, d, FallbackReason.NON_FINITE,
                    "the DMD produced non-finite eigenvalues, modes or amplitudes", model);
        }
        if (!(model.residual() <= config.maxResidual())) {
            return fallback(h, d, FallbackReason.POOR_FIT, String.format(Locale.ROOT,
                    "one-step fit residual %.3g exceeds %.3g", model.residual(), config.maxResidual()), model);
        }
        Spectrum spectrum = model.spectrum();
        int[] modes;
        double[] estimate;
        if (target == LIMIT) {
            modes = unitModes(spectrum);
            if (modes.length == 0) {
                int c = spectrum.closestToOne();
                return fallback(h, d, FallbackReason.NO_UNIT_MODE, String.format(Locale.ROOT,
                        "no eigenvalue within %.3g of 1; closest is %.9f%+.9fi (|mu-1| = %.3g)",
                        config.unitTolerance(), spectrum.real()[c], spectrum.imaginary()[c],
                        spectrum.distanceFromOne(c)), model);
            }
            estimate = model.evaluate(modes, 0, false, 0, h.dim());
        } else {
            modes = model.allModes();
            estimate = model.evaluate(modes, target, true, (d - 1) * h.dim(), h.dim());
        }
        for (double v : estimate) {
            if (!Double.isFinite(v)) {
                return fallback(h, d, FallbackReason.NON_FINITE, "the estimate is not finite", model);
            }
        }
        return new KoopmanResult(estimate, FallbackReason.NONE, "", model.rank(), model.residual(),
                spectrum, modes, d, Double.NaN);
    }

    private int[] unitModes(Spectrum spectrum) {
        List<Integer> unit = new ArrayList<>();
        for (int j = 0; j < spectrum.size(); j++) {
            if (spectrum.distanceFromOne(j) <= config.unitTolerance()) {
                unit.add(j);
            }
        }
        return unit.stream().mapToInt(Integer::intValue).toArray();
    }

    /** ‖a − b‖/‖b‖, or ‖a − b‖ when b = 0. */
    private static double relativeChange(double[] a, double[] b) {
        double diff = 0;
        double norm = 0;
        for (int i = 0; i < a.length; i++) {
            diff += (a[i] - b[i]) * (a[i] - b[i]);
            norm += b[i] * b[i];
        }
        return norm == 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
    }

    private static KoopmanResult fallback(Trajectory h, int d, FallbackReason reason, String detail,
                                          DmdModel model) {
        boolean finite = model != null && model.rank() > 0 && model.isFinite();
        return new KoopmanResult(h.last(), reason, detail, model == null ? 0 : model.rank(),
                model == null ? Double.NaN : model.residual(),
                finite ? model.spectrum() : Spectrum.empty(), new int[0], d, Double.NaN);
    }
}
