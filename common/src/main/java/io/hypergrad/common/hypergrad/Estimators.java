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
    public static final String KNOWN = "fo, one-step, truncated:K, reverse, reverse:checkpoint=C, forward, drmad, "
            + "neumann:N:K, cg-ift[:damping[:iterations]], hyperdistill:γ[:θ], local[:auto|forward|reverse[:S]]";

    /** A parsed estimator name: makes a fresh estimator per episode. */
    @FunctionalInterface
    public interface Spec {
        /** A fresh estimator; HyperDistill without a fixed θ uses θ = 1. */
        default HypergradientEstimator create() {
            return create(1.0, 0L);
        }

        /** A fresh estimator, with HyperDistill's fitted θ and the seed of its subsampling. */
        HypergradientEstimator create(double theta, long seed);

        /** Whether this is HyperDistill with θ to be fitted (no θ in its name). */
        default boolean fitsTheta() {
            return false;
        }

        /**
         * This spec with HyperDistill's second-order scale chosen by {@code hypergrad.theta.scale}:
         * {@code decay} (θ·(1 − γ^t)/(1 − γ)) or {@code unit} (π* = 1); other estimators ignore it.
         */
        default Spec withScale(String scale) {
            return this;
        }
    }

    /** HyperDistill's spec: θ fixed by the name, or fitted by the caller; or π* = 1 (no θ at all). */
    private record DistillSpec(double gamma, Double fixedTheta, boolean unitScale) implements Spec {
        @Override
        public HypergradientEstimator create(double theta, long seed) {
            return unitScale ? HyperDistill.unitScale(gamma, seed) : new HyperDistill(gamma, fixedTheta != null ? fixedTheta : theta, seed);
        }

        @Override
        public boolean fitsTheta() {
            return fixedTheta == null && !unitScale;
        }

        @Override
        public Spec withScale(String scale) {
            return switch (scale) {
                case "decay" -> new DistillSpec(gamma, fixedTheta, false);
                case "unit" -> new DistillSpec(gamma, fixedTheta, true);
                default -> throw new IllegalArgumentException("hyperdistill: scale must be decay or unit, got '" + scale + "'");
            };
        }
    }

    /** The γ of a HyperDistill name, or NaN for other estimators. */
    public static double gammaOf(String text) {
        String[] parts = text.trim().toLowerCase(Locale.ROOT).split(":");
        return parts[0].equals("hyperdistill") && parts.length > 1 ? Double.parseDouble(parts[1]) : Double.NaN;
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
                yield (theta, seed) -> new FirstOrder();
            }
            case "one-step", "onestep" -> {
                arity(text, parts, 0, 0);
                yield (theta, seed) -> new OneStep();
            }
            case "truncated" -> {
                arity(text, parts, 1, 1);
                int k = positiveInt(text, parts[1], "K");
                yield (theta, seed) -> Reverse.truncated(k);
            }
            case "reverse" -> {
                arity(text, parts, 0, 1);
                if (parts.length == 1) {
                    yield (theta, seed) -> Reverse.full();
                }
                if (!parts[1].startsWith("checkpoint=")) {
                    throw new IllegalArgumentException("estimator '" + text + "': expected reverse:checkpoint=C");
                }
                int c = positiveInt(text, parts[1].substring("checkpoint=".length()), "C");
                yield (theta, seed) -> Reverse.checkpointed(c);
            }
            case "forward" -> {
                arity(text, parts, 0, 0);
                yield (theta, seed) -> new Forward();
            }
            case "local" -> {
                arity(text, parts, 0, 2);
                WindowLocal.Mode mode = switch (parts.length > 1 ? parts[1] : "auto") {
                    case "auto" -> WindowLocal.Mode.AUTO;
                    case "forward" -> WindowLocal.Mode.FORWARD;
                    case "reverse" -> WindowLocal.Mode.REVERSE;
                    default -> throw new IllegalArgumentException("estimator '" + text + "': mode must be auto, forward or reverse, got '"
                            + parts[1] + "'");
                };
                int stride = parts.length > 2 ? positiveInt(text, parts[2], "S") : 1;
                yield (theta, seed) -> new WindowLocal(mode, stride);
            }
            case "drmad" -> {
                arity(text, parts, 0, 0);
                yield (theta, seed) -> new DrMad();
            }
            case "neumann" -> {
                arity(text, parts, 2, 2);
                int n = (int) number(text, parts[1], "N", 0, 1_000_000);
                int k = positiveInt(text, parts[2], "K");
                yield (theta, seed) -> new Neumann(n, k);
            }
            case "cg-ift" -> {
                arity(text, parts, 0, 2);
                double damping = parts.length > 1 ? number(text, parts[1], "damping", 0, 1e12) : 1e-3;
                int iters = parts.length > 2 ? positiveInt(text, parts[2], "iterations") : 100;
                yield (theta, seed) -> new CgIft(damping, iters, 1e-10);
            }
            case "hyperdistill" -> {
                arity(text, parts, 1, 2);
                double gamma = number(text, parts[1], "γ", 0, 0.999999);
                Double fixed = parts.length > 2 ? number(text, parts[2], "θ", -1e6, 1e6) : null;
                yield new DistillSpec(gamma, fixed, false);
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
