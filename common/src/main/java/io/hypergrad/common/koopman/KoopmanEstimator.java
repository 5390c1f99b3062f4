package io.hypergrad.common.koopman;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The glocal global estimator (design §4.1): from a window of local hypergradients h_1..h_K it
 * predicts h_{K+R}, the hypergradient at the end of the remaining horizon R of the episode.
 *
 * <ol start="0">
 *   <li>R = 0: the window already ends the episode, h_K is the answer ({@link FallbackReason#NOT_APPLICABLE},
 *       not a fallback).</li>
 *   <li>Compress with a thin SVD and the {@link RankRule}; 2. with d &gt; 1 ({@link KoopmanConfig#delaysFor}),
 *       delay-embed and compress again; 3. fit s_{t+1} = A s_t + c; 4. eigen-decompose A
 *       ({@link WindowModel}).</li>
 *   <li>Extrapolate the modes with |μ| &lt; 1 − 1/K to step K + R and freeze the rest; modes with
 *       1 − 1/K ≤ |μ| &lt; 1 (slow) are extrapolated in one variant and frozen in the other. The variant
 *       extrapolating slow modes is preferred when it passes the trust test.</li>
 *   <li>ĥ = h_K + U_r Δ: the correction lives in the modelled subspace only, so what the SVD discarded
 *       (noise) stays as it was in h_K instead of being refitted.</li>
 *   <li>Trust test, all of: (a) skill — fitted on the first ⌊3K/4⌋ steps, the model predicts h_K with an
 *       error at most {@link #TRUST_RATIO} × the error of persistence (reusing h_{⌊3K/4⌋}); (b) agreement —
 *       that shorter window's own estimate of h_{K+R} lies within {@link #TRUST_RATIO}·‖ĥ − h_K‖ of ĥ;
 *       (c) everything finite. Otherwise the estimate is h_K with the reason.</li>
 * </ol>
 *
 * <p>Several windows (e.g. the round's tasks) can be pooled: one SVD basis and one affine fit from the
 * snapshot pairs of every window (never a pair across two windows), read out at the windows' mean. The
 * anchor h_K is then the mean of the windows' last hypergradients. Stateless and thread-safe.
 */
public final class KoopmanEstimator {
    /** Both trust ratios (skill and agreement) must be at most this; the brief's 0.5. */
    public static final double TRUST_RATIO = 0.5;
    /** The horizon R → ∞: the fixed point of the fitted dynamics. */
    public static final long LIMIT = Long.MAX_VALUE;

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
     * The estimate of h_{K+R} from one window.
     *
     * @param horizon the remaining horizon R ≥ 0 ({@link #LIMIT} for R → ∞)
     */
    public KoopmanResult estimate(Trajectory window, long horizon) {
        return estimate(List.of(window), horizon);
    }

    /**
     * The estimate of the mean h_{K+R} from windows of equal length and dimension, pooled in one fit.
     *
     * @param horizon the remaining horizon R ≥ 0 ({@link #LIMIT} for R → ∞)
     * @throws IllegalArgumentException if there are no windows, they differ in shape, or R &lt; 0
     */
    public KoopmanResult estimate(List<Trajectory> windows, long horizon) {
        if (windows.isEmpty()) {
            throw new IllegalArgumentException("no windows to estimate from");
        }
        if (horizon < 0) {
            throw new IllegalArgumentException("the remaining horizon must be >= 0, got " + horizon);
        }
        Trajectory mean = mean(windows);
        int k = mean.steps();
        int q = mean.dim();
        int d = config.delaysFor(k, q);
        Outcome none = new Outcome(mean.last(), Spectrum.empty(), false, Double.NaN, Double.NaN, Double.NaN);
        if (horizon == 0) {
            return result(none, FallbackReason.NOT_APPLICABLE, "the window ends the episode (R = 0): h_K is the "
                    + "hypergradient", horizon, windows.size(), null, d);
        }
        for (Trajectory w : windows) {
            if (!w.isFinite()) {
                return result(none, FallbackReason.NON_FINITE, "the window contains NaN or infinite values", horizon,
                        windows.size(), null, d);
            }
        }
        int shortSteps = 3 * k / 4;
        if (shortSteps - d < 3) {
            return result(none, FallbackReason.WINDOW_TOO_SHORT, String.format(Locale.ROOT, "%d steps with %d delays:"
                    + " the hold-out fit on the first %d steps has %d snapshot pairs, needs at least 3", k, d,
                    shortSteps, Math.max(0, shortSteps - d)), horizon, windows.size(), null, d);
        }
        WindowModel full;
        WindowModel part;
        List<Trajectory> prefixes = new ArrayList<>();
        for (Trajectory w : windows) {
            prefixes.add(w.prefix(shortSteps));
        }
        try {
            full = WindowModel.fit(windows, d);
            if (full.rank == 0) {
                return result(none, FallbackReason.EMPTY_RANK, "the SVD kept no singular value", horizon,
                        windows.size(), full, d);
            }
            part = WindowModel.fit(prefixes, d);
        } catch (ArithmeticException e) {
            return result(none, FallbackReason.LAPACK_FAILURE, e.getMessage(), horizon, windows.size(), null, d);
        }
        double[] state = full.state(mean);
        Spectrum spectrum = new Spectrum(full.eigenReal(), full.eigenImaginary(), full.energies(state),
                1.0 - 1.0 / k, new boolean[full.rank]);
        if (!finite(spectrum.real()) || !finite(spectrum.imaginary()) || !finite(spectrum.energy())) {
            return result(none, FallbackReason.NON_FINITE, "the fit produced non-finite eigenvalues or modes",
                    horizon, windows.size(), full, d);
        }
        boolean anySlow = false;
        for (int j = 0; j < spectrum.size(); j++) {
            anySlow |= spectrum.modeClass(j) == Spectrum.ModeClass.SLOW;
        }
        Trajectory meanShort = mean.prefix(shortSteps);
        Attempt last = null;
        for (boolean slow : anySlow ? new boolean[] {true, false} : new boolean[] {false}) {
            Attempt a = attempt(full, part, spectrum, state, mean, meanShort, horizon, slow);
            if (a.reason == FallbackReason.NONE) {
                return result(a.outcome, FallbackReason.NONE, "", horizon, windows.size(), full, d);
            }
            last = a;
        }
        Outcome fellBack = new Outcome(mean.last(), spectrum, false, last.outcome.skill, last.outcome.agreement,
                last.outcome.correction);
        return result(fellBack, last.reason, last.detail, horizon, windows.size(), full, d);
    }

    /** The estimate, the spectrum with its marks, and the trust measurements of one variant. */
    private record Outcome(double[] estimate, Spectrum spectrum, boolean slowExtrapolated, double skill,
                           double agreement, double correction) {}

    private record Attempt(Outcome outcome, FallbackReason reason, String detail) {}

    /** One variant: slow modes extrapolated or frozen, with its trust test. */
    private static Attempt attempt(WindowModel full, WindowModel part, Spectrum spectrum, double[] state,
                                   Trajectory mean, Trajectory meanShort, long horizon, boolean slow) {
        String variant = slow ? " (slow modes extrapolated)" : " (slow modes frozen)";
        boolean[] marks = marks(spectrum, slow);
        Spectrum marked = spectrum.withExtrapolated(marks);
        double[] hK = mean.last();
        boolean any = false;
        for (boolean m : marks) {
            any |= m;
        }
        if (!any) {
            return new Attempt(new Outcome(hK, marked, slow, Double.NaN, Double.NaN, 0), FallbackReason.NO_DECAYING_MODE,
                    "no mode to extrapolate: every mode has |mu| >= 1" + (slow ? "" : " or is slow") + variant);
        }
        double[] estimate = plus(hK, full.change(state, horizon, marks));
        double moved = distance(estimate, hK);
        double correction = moved / norm(hK);
        if (part.rank == 0) {
            return new Attempt(new Outcome(estimate, marked, slow, Double.NaN, Double.NaN, correction),
                    FallbackReason.NO_SKILL, "the first " + meanShort.steps() + " steps keep no singular value");
        }
        int k = mean.steps();
        int shortSteps = meanShort.steps();
        Spectrum shortSpectrum = new Spectrum(part.eigenReal(), part.eigenImaginary(), new double[part.rank],
                1.0 - 1.0 / shortSteps, new boolean[part.rank]);
        boolean[] shortMarks = marks(shortSpectrum, slow);
        double[] shortState = part.state(meanShort);
        double[] anchor = meanShort.last();
        double[] predictedK = plus(anchor, part.change(shortState, k - shortSteps, shortMarks));
        long farther = horizon > LIMIT - (k - shortSteps) ? LIMIT : horizon + (k - shortSteps);
        double[] shortEstimate = plus(anchor, part.change(shortState, farther, shortMarks));
        double persistence = distance(anchor, hK);
        double error = distance(predictedK, hK);
        double skill = persistence == 0 ? (error == 0 ? 0 : Double.POSITIVE_INFINITY) : error / persistence;
        double gap = distance(shortEstimate, estimate);
        double agreement = moved == 0 ? (gap == 0 ? 0 : Double.POSITIVE_INFINITY) : gap / moved;
        Outcome outcome = new Outcome(estimate, marked, slow, skill, agreement, correction);
        if (!finite(estimate) || !finite(predictedK) || !finite(shortEstimate)) {
            return new Attempt(outcome, FallbackReason.NON_FINITE, "the estimate is not finite" + variant);
        }
        if (!(skill <= TRUST_RATIO)) {
            return new Attempt(outcome, FallbackReason.NO_SKILL, String.format(Locale.ROOT,
                    "fitted on the first %d steps the model predicts h_%d with %.3g of the persistence error "
                            + "(needs <= %.2f)%s", shortSteps, k, skill, TRUST_RATIO, variant));
        }
        if (!(agreement <= TRUST_RATIO)) {
            return new Attempt(outcome, FallbackReason.DISAGREES, String.format(Locale.ROOT,
                    "the first %d steps' estimate lies %.3g x |estimate - h_K| from the estimate (needs <= %.2f)%s",
                    shortSteps, agreement, TRUST_RATIO, variant));
        }
        return new Attempt(outcome, FallbackReason.NONE, "");
    }

    /** Which modes a variant extrapolates: fast ones always, slow ones if asked, never |μ| ≥ 1. */
    private static boolean[] marks(Spectrum s, boolean slow) {
        boolean[] m = new boolean[s.size()];
        for (int j = 0; j < m.length; j++) {
            Spectrum.ModeClass c = s.modeClass(j);
            m[j] = c == Spectrum.ModeClass.FAST || (slow && c == Spectrum.ModeClass.SLOW);
        }
        return m;
    }

    private static KoopmanResult result(Outcome o, FallbackReason reason, String detail, long horizon, int windows,
                                        WindowModel model, int d) {
        return new KoopmanResult(o.estimate, reason, detail, horizon, windows,
                model == null ? 0 : model.compressedRank, model == null ? 0 : model.rank, d, o.spectrum,
                o.slowExtrapolated, o.skill, o.agreement, o.correction);
    }

    /** The element-wise mean of windows of equal shape. */
    static Trajectory mean(List<Trajectory> windows) {
        Trajectory first = windows.get(0);
        if (windows.size() == 1) {
            return first;
        }
        double[] sum = new double[first.steps() * first.dim()];
        for (Trajectory w : windows) {
            if (w.steps() != first.steps() || w.dim() != first.dim()) {
                throw new IllegalArgumentException("pooled windows differ in shape: " + w.steps() + " x " + w.dim()
                        + " vs " + first.steps() + " x " + first.dim());
            }
            double[] flat = w.toFlat();
            for (int i = 0; i < sum.length; i++) {
                sum[i] += flat[i];
            }
        }
        for (int i = 0; i < sum.length; i++) {
            sum[i] /= windows.size();
        }
        return Trajectory.ofFlat(sum, first.steps(), first.dim());
    }

    private static double[] plus(double[] a, double[] b) {
        double[] c = a.clone();
        for (int i = 0; i < c.length; i++) {
            c[i] += b[i];
        }
        return c;
    }

    private static double distance(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * (a[i] - b[i]);
        }
        return Math.sqrt(s);
    }

    private static double norm(double[] a) {
        return distance(a, new double[a.length]);
    }

    private static boolean finite(double[] a) {
        for (double v : a) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }
}
