package io.hypergrad.driver.round;

import java.util.Map;

/** Receives a run's progress: a progress bar, a notebook widget, a test. Called on the driver thread. */
public interface RoundListener {
    /** After each round, with the metrics line just written and an estimate of the time left. */
    void onRound(int round, int rounds, Map<String, Object> metrics, double etaSeconds);

    /** At the end, with the summary written to {@code summary.json}. */
    default void onFinish(Map<String, Object> summary) {}

    /** A listener that ignores everything. */
    RoundListener NONE = (round, rounds, metrics, eta) -> { };
}
