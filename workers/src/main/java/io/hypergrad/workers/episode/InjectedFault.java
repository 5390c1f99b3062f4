package io.hypergrad.workers.episode;

import io.hypergrad.common.inner.FaultInjection;
import java.util.Locale;

/**
 * A test fault for one episode: at inner step {@code step} of task {@code task} in round {@code round}
 * (0-based round, 1-based step), poison the given kind of value. Parsed from the Spark conf key
 * {@link #CONF_KEY}, {@code "ROUND:TASK:STEP:KIND"} with KIND one of loss, gradient, hvp, hypergradient,
 * explode.
 */
public record InjectedFault(int round, int task, int step, FaultInjection.Kind kind) {
    /** The Spark conf key of the test hook. */
    public static final String CONF_KEY = "spark.hypergrad.test.injectFault";

    /** Parses "ROUND:TASK:STEP:KIND"; null or empty gives null. */
    public static InjectedFault parse(String spec) {
        if (spec == null || spec.isBlank()) {
            return null;
        }
        String[] p = spec.trim().split(":");
        try {
            if (p.length != 4) {
                throw new IllegalArgumentException("4 fields");
            }
            return new InjectedFault(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]),
                    FaultInjection.Kind.valueOf(p[3].toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(CONF_KEY + " = '" + spec + "': expected ROUND:TASK:STEP:KIND with KIND one of "
                    + "loss, gradient, hvp, hypergradient, explode", e);
        }
    }
}
