package io.hypergrad.common.koopman;

import java.util.Locale;

/**
 * The DMD spectrum behind an estimate, reported with every result so that a user can see why a mode
 * was (or was not) trusted.
 *
 * <p>Entry j describes mode j in LAPACK {@code dgeev} order: eigenvalue μ_j = re + i·im, its modulus
 * |μ_j|, and its energy |b_j|·‖φ_j‖₂ (the norm of the mode's contribution to the last snapshot).
 * Complex modes come in adjacent conjugate pairs with equal energies.
 */
public final class Spectrum {
    private static final Spectrum EMPTY = new Spectrum(new double[0], new double[0], new double[0]);

    private final double[] re;
    private final double[] im;
    private final double[] energy;

    Spectrum(double[] re, double[] im, double[] energy) {
        this.re = re;
        this.im = im;
        this.energy = energy;
    }

    /** The spectrum of a result that never reached the eigen-decomposition. */
    public static Spectrum empty() {
        return EMPTY;
    }

    /** Number of modes (the kept rank r). */
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

    /** Mode energies |b_j|·‖φ_j‖₂ (a copy). */
    public double[] energy() {
        return energy.clone();
    }

    /** Distance |μ_j − 1| of mode j from the eigenvalue of a constant. */
    public double distanceFromOne(int j) {
        return Math.hypot(re[j] - 1, im[j]);
    }

    /** Index of the eigenvalue closest to 1, or −1 if the spectrum is empty. */
    public int closestToOne() {
        int best = -1;
        for (int j = 0; j < re.length; j++) {
            if (best < 0 || distanceFromOne(j) < distanceFromOne(best)) {
                best = j;
            }
        }
        return best;
    }

    /** One line per mode: μ, |μ|, energy. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("Spectrum[" + re.length + " modes]");
        for (int j = 0; j < re.length; j++) {
            sb.append(String.format(Locale.ROOT, "%n  mu=%+.12f%+.12fi |mu|=%.12f energy=%.6e",
                    re[j], im[j], Math.hypot(re[j], im[j]), energy[j]));
        }
        return sb.toString();
    }
}
