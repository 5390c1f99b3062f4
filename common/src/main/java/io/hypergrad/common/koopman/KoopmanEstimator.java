package io.hypergrad.common.koopman;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

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
 * poor (see {@link KoopmanConfig}), or — for the limit — no eigenvalue is within the tolerance of 1.
 * The spectrum is reported either way once the fit is reached. Stateless and thread-safe; count
 * fallbacks across calls with a {@link FallbackCounter}.
 */
public final class KoopmanEstimator {
    private final KoopmanConfig config;

    /** An estimator with the given settings. */
    public KoopmanEstimator(KoopmanConfig config) {
        this.config = java.util.Objects.requireNonNull(config, "config");
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
        Fit fit = fitOrFallback(h);
        if (fit.failure != null) {
            return fit.failure;
        }
        Spectrum spectrum = fit.model.spectrum();
        List<Integer> unit = new ArrayList<>();
        for (int j = 0; j < spectrum.size(); j++) {
            if (spectrum.distanceFromOne(j) <= config.unitTolerance()) {
                unit.add(j);
            }
        }
        if (unit.isEmpty()) {
            int c = spectrum.closestToOne();
            return fallback(h, FallbackReason.NO_UNIT_MODE, String.format(Locale.ROOT,
                    "no eigenvalue within %.3g of 1; closest is %.9f%+.9fi (|mu-1| = %.3g)",
                    config.unitTolerance(), spectrum.real()[c], spectrum.imaginary()[c],
                    spectrum.distanceFromOne(c)), fit.model);
        }
        int[] modes = unit.stream().mapToInt(Integer::intValue).toArray();
        double[] estimate = fit.model.evaluate(modes, 0, false, 0, h.dim());
        return finish(h, estimate, fit.model, spectrum, modes);
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
        Fit fit = fitOrFallback(h);
        if (fit.failure != null) {
            return fit.failure;
        }
        int[] modes = fit.model.allModes();
        int lastBlock = (config.delays() - 1) * h.dim();
        double[] estimate = fit.model.evaluate(modes, horizon, true, lastBlock, h.dim());
        return finish(h, estimate, fit.model, fit.model.spectrum(), modes);
    }

    /**
     * The DMD model of the window, without any trust checks (for diagnostics).
     *
     * @throws IllegalArgumentException if the window is shorter than delays + 1 steps
     */
    public DmdModel fit(Trajectory h) {
        int m = HankelEmbedding.snapshotCount(h.steps(), config.delays());
        double[] x = HankelEmbedding.snapshots(h, config.delays());
        return DmdModel.fit(x, h.dim() * config.delays(), m, config.energyTolerance(),
                config.singularFloor());
    }

    private Fit fitOrFallback(Trajectory h) {
        int m = HankelEmbedding.snapshotCount(h.steps(), config.delays());
        if (m < 2) {
            return new Fit(null, fallback(h, FallbackReason.WINDOW_TOO_SHORT, h.steps()
                    + " steps with " + config.delays() + " delays give " + Math.max(m, 0)
                    + " snapshots; DMD needs at least 2", null));
        }
        if (!h.isFinite()) {
            return new Fit(null, fallback(h, FallbackReason.NON_FINITE,
                    "the window contains NaN or infinite values", null));
        }
        DmdModel model;
        try {
            model = fit(h);
        } catch (ArithmeticException e) {
            return new Fit(null, fallback(h, FallbackReason.LAPACK_FAILURE, e.getMessage(), null));
        }
        if (model.rank() == 0) {
            return new Fit(null, fallback(h, FallbackReason.EMPTY_RANK,
                    "the SVD kept no singular value", model));
        }
        int pairs = m - 1;
        if (config.minRedundancy() > 0 && pairs < model.rank() + config.minRedundancy()) {
            return new Fit(null, fallback(h, FallbackReason.UNDERDETERMINED, pairs
                    + " snapshot pairs for rank " + model.rank() + "; need at least rank + "
                    + config.minRedundancy() + " to check the fit", model));
        }
        if (!model.isFinite()) {
            return new Fit(null, fallback(h, FallbackReason.NON_FINITE,
                    "the DMD produced non-finite eigenvalues, modes or amplitudes", model));
        }
        if (!(model.residual() <= config.maxResidual())) {
            return new Fit(null, fallback(h, FallbackReason.POOR_FIT, String.format(Locale.ROOT,
                    "one-step fit residual %.3g exceeds %.3g", model.residual(), config.maxResidual()),
                    model));
        }
        return new Fit(model, null);
    }

    private KoopmanResult finish(Trajectory h, double[] estimate, DmdModel model, Spectrum spectrum,
                                 int[] modes) {
        for (double v : estimate) {
            if (!Double.isFinite(v)) {
                return fallback(h, FallbackReason.NON_FINITE, "the estimate is not finite", model);
            }
        }
        return new KoopmanResult(estimate, FallbackReason.NONE, "", model.rank(), model.residual(),
                spectrum, modes);
    }

    private static KoopmanResult fallback(Trajectory h, FallbackReason reason, String detail,
                                          DmdModel model) {
        boolean finite = model != null && model.rank() > 0 && model.isFinite();
        return new KoopmanResult(h.last(), reason, detail, model == null ? 0 : model.rank(),
                model == null ? Double.NaN : model.residual(),
                finite ? model.spectrum() : Spectrum.empty(), new int[0]);
    }

    /** Either a trusted model or the fallback result explaining why there is none. */
    private record Fit(DmdModel model, KoopmanResult failure) {
    }
}
