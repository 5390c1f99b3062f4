package io.hypergrad.common.hypergrad;

import java.util.Locale;

/**
 * Estimators by name, as users write them on the command line and in configs: {@code fo},
 * {@code one-step}, {@code truncated:K}, {@code reverse}, {@code reverse:checkpoint=C}, {@code forward}.
 * A name is parsed once into a {@link Spec}; each episode gets a fresh estimator from it.
 */
public final class Estimators {
    private Estimators() {}

    /** The names accepted, for messages. */
    public static final String KNOWN = "fo, one-step, truncated:K, reverse, reverse:checkpoint=C, forward";

    /** A parsed estimator name: makes a fresh estimator per episode. */
    @FunctionalInterface
    public interface Spec {
        HypergradientEstimator create();
    }

    /** Parses a name such as {@code truncated:5}; unknown names or bad parameters get a message naming them. */
    public static Spec parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("no estimator given; known: " + KNOWN);
        }
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split(":");
        String name = parts[0];
        return switch (name) {
            case "fo" -> {
                arity(text, parts, 0, 0);
                yield FirstOrder::new;
            }
            case "one-step", "onestep" -> {
                arity(text, parts, 0, 0);
                yield OneStep::new;
            }
            case "truncated" -> {
                arity(text, parts, 1, 1);
                int k = positiveInt(text, parts[1], "K");
                yield () -> Reverse.truncated(k);
            }
            case "reverse" -> {
                arity(text, parts, 0, 1);
                if (parts.length == 1) {
                    yield Reverse::full;
                }
                if (!parts[1].startsWith("checkpoint=")) {
                    throw new IllegalArgumentException("estimator '" + text + "': expected reverse:checkpoint=C");
                }
                int c = positiveInt(text, parts[1].substring("checkpoint=".length()), "C");
                yield () -> Reverse.checkpointed(c);
            }
            case "forward" -> {
                arity(text, parts, 0, 0);
                yield Forward::new;
            }
            default -> throw new IllegalArgumentException("unknown estimator '" + text + "'; known: " + KNOWN);
        };
    }

    static void arity(String text, String[] parts, int min, int max) {
        int n = parts.length - 1;
        if (n < min || n > max) {
            throw new IllegalArgumentException("estimator '" + text + "' takes " + (min == max ? min : min + "–" + max)
                    + " parameter(s), got " + n + "; known: " + KNOWN);
        }
    }

    static int positiveInt(String text, String s, String what) {
        try {
            int v = Integer.parseInt(s);
            if (v >= 1) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("estimator '" + text + "': " + what + " must be a positive integer, got '" + s + "'");
    }

    static double number(String text, String s, String what, double lo, double hi) {
        try {
            double v = Double.parseDouble(s);
            if (v >= lo && v <= hi) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("estimator '" + text + "': " + what + " must be a number in [" + lo + ", " + hi + "], got '" + s + "'");
    }
}
