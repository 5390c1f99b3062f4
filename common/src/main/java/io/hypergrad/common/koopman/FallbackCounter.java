package io.hypergrad.common.koopman;

import java.util.EnumMap;
import java.util.Map;

/**
 * Counts Koopman estimates and their fallbacks by reason, so a run can report how often the global
 * estimate was really the last local hypergradient. Thread-safe.
 */
public final class FallbackCounter {
    private long calls;
    private final EnumMap<FallbackReason, Long> byReason = new EnumMap<>(FallbackReason.class);

    /** Records one result and returns it, so calls can be chained. */
    public synchronized KoopmanResult record(KoopmanResult result) {
        calls++;
        byReason.merge(result.reason(), 1L, Long::sum);
        return result;
    }

    /** Number of results recorded. */
    public synchronized long calls() {
        return calls;
    }

    /** Number of recorded results that fell back ({@link FallbackReason#NOT_APPLICABLE} is not one). */
    public synchronized long fallbacks() {
        return calls - byReason.getOrDefault(FallbackReason.NONE, 0L)
                - byReason.getOrDefault(FallbackReason.NOT_APPLICABLE, 0L);
    }

    /** Number of recorded results with this reason ({@link FallbackReason#NONE}: successes). */
    public synchronized long count(FallbackReason reason) {
        return byReason.getOrDefault(reason, 0L);
    }

    /** Fraction of calls that fell back (0 when nothing was recorded). */
    public synchronized double fallbackRate() {
        return calls == 0 ? 0 : (double) fallbacks() / calls;
    }

    /** A snapshot of the counts by reason. */
    public synchronized Map<FallbackReason, Long> counts() {
        return new EnumMap<>(byReason);
    }

    @Override
    public synchronized String toString() {
        return "FallbackCounter[calls=" + calls + ", fallbacks=" + fallbacks() + ", " + byReason + "]";
    }
}
