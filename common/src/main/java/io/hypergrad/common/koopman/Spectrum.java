package io.hypergrad.common.koopman;

import java.util.Locale;

/**
 * The spectrum behind an estimate, reported with every result that reached the fit, so that a user can
 * see which modes moved the estimate and which were frozen.
 *
 * <p>Entry j describes mode j of the affine fit's A in LAPACK {@code dgeev} order: eigenvalue
 * μ_j = re + i·im, its energy |y_j|·‖w_j‖ (its share of the newest state), its class by modulus — fast
 * (|μ| &lt; 1 − 1/K), slow (1 − 1/K ≤ |μ| &lt; 1) or non-decaying (|μ| ≥ 1) — and whether it was
 * extrapolated to the horizon or frozen at its value at step K. Complex modes come in adjacent
 * conjugate pairs with equal entries.
 */
public final class Spectrum {
    private static final Spectrum EMPTY = new Spectrum(new double[0], new double[0], new double[0], 1.0,
            new boolean[0]);

    /** How a mode is treated, by its modulus. */
    public enum ModeClass {
        /** |μ| &lt; 1 − 1/K: decays within the window; always extrapolated. */
        FAST,
        /** 1 − 1/K ≤ |μ| &lt; 1: a time constant longer than the window; extrapolated only if trusted. */
        SLOW,
        /** |μ| ≥ 1: never raised to a power; always frozen. */
        NON_DECAYING
    }

    private final double[] re;
    private final double[] im;
    private final double[] energy;
    private final double slowBound;
    private final boolean[] extrapolated;

    Spectrum(double[] re, double[] im, double[] energy, double slowBound, boolean[] extrapolated) {
        this.re = re;
        this.im = im;
        this.energy = energy;
        this.slowBound = slowBound;
        this.extrapolated = extrapolated;
    }

    /** The spectrum of a result that never reached the eigen-decomposition. */
    public static Spectrum empty() {
        return EMPTY;
    }

    /** A copy with other extrapolated/frozen marks. */
    Spectrum withExtrapolated(boolean[] marks) {
        return new Spectrum(re, im, energy, slowBound, marks.clone());
    }

    /** Number of modes (the fitted rank r). */
    public int size() {
        return re.length;
    }

    /** Real parts of the eigenvalues (a copy). */
    public double[] real() {
        return re.clone();
    }

    /** Imaginary parts of the eigenvalues (a copy). */
    public double[] imaginary() {
        return im.clone();
    }

    /** Moduli |μ_j| (a fresh array). */
    public double[] modulus() {
        double[] m = new double[re.length];
        for (int j = 0; j < m.length; j++) {
            m[j] = Math.hypot(re[j], im[j]);
        }
        return m;
    }

    /** Mode energies |y_j|·‖w_j‖ at the newest state (a copy). */
    public double[] energy() {
        return energy.clone();
    }

    /** 1 − 1/K: the modulus from which a mode counts as slow. */
    public double slowBound() {
        return slowBound;
    }

    /** The class of mode j by its modulus. */
    public ModeClass modeClass(int j) {
        double m = Math.hypot(re[j], im[j]);
        return m >= 1 ? ModeClass.NON_DECAYING : m >= slowBound ? ModeClass.SLOW : ModeClass.FAST;
    }

    /** True if mode j was extrapolated to the horizon in the returned estimate (false: frozen, or fell back). */
    public boolean extrapolated(int j) {
        return extrapolated[j];
    }

    /** One line per mode: μ, |μ|, energy, class, extrapolated or frozen. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Spectrum[" + re.length + " modes, slow from |mu| = "
                + String.format(Locale.ROOT, "%.4f", slowBound) + "]");
        for (int j = 0; j < re.length; j++) {
            sb.append(String.format(Locale.ROOT, "%n  mu=%+.12f%+.12fi |mu|=%.12f energy=%.6e %s %s",
                    re[j], im[j], Math.hypot(re[j], im[j]), energy[j], modeClass(j),
                    extrapolated[j] ? "extrapolated" : "frozen"));
        }
        return sb.toString();
    }
}
