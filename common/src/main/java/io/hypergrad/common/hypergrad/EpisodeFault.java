package io.hypergrad.common.hypergrad;

import java.util.Locale;

/**
 * Why an inner loop was stopped: at inner step {@code step} (1-based), a value of the named kind was
 * non-finite, or the training loss exploded.
 *
 * @param step  the inner step
 * @param kind  {@link #NON_FINITE_LOSS}, {@link #NON_FINITE_UPDATE}, {@link #NON_FINITE_HYPERGRADIENT} or {@link #DIVERGED}
 * @param value the offending value (the loss, or the first bad entry)
 */
public record EpisodeFault(int step, String kind, double value) implements java.io.Serializable {
    /** The training loss was NaN or ±∞. */
    public static final String NON_FINITE_LOSS = "non-finite training loss";
    /** The inner update produced NaN or ±∞ weights (a bad gradient). */
    public static final String NON_FINITE_UPDATE = "non-finite inner update";
    /** The step's hypergradient estimate held NaN or ±∞ (a bad HVP or estimator state). */
    public static final String NON_FINITE_HYPERGRADIENT = "non-finite hypergradient";
    /** The training loss exceeded the divergence bound. */
    public static final String DIVERGED = "diverging inner loop";

    /** "step 5: diverging inner loop (loss 3.2e+13)". */
    public String describe() {
        return String.format(Locale.ROOT, "step %d: %s (%s %s)", step, kind,
                kind.equals(NON_FINITE_LOSS) || kind.equals(DIVERGED) ? "loss" : "value", value);
    }
}
