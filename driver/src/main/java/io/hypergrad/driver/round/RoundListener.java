package io.hypergrad.driver.round;

import java.util.Map;

/** Receives a run's progress: a progress bar, a notebook widget, a test. Called on the driver thread. */
public interface RoundListener {
    /** After each round, with the metrics line just written and an estimate of the time left. */
    void onRound(int round, int rounds, Map<String, Object> metrics, double etaSeconds);

    /**
     * During a phase that is not a round (a final test, …), after each of its steps.
     *
     * @param phase what is being done, e.g. "final test of the tuned λ"
     */
    default void onPhase(String phase, int done, int total, double etaSeconds) {}

    /** At the end, with the summary written to {@code summary.json}. */
    default void onFinish(Map<String, Object> summary) {}

    /** This listener, then {@code action} with the round's number, after each round. */
    default RoundListener afterEachRound(java.util.function.IntConsumer action) {
        RoundListener inner = this;
        return new RoundListener() {
            @Override
            public void onRound(int round, int rounds, Map<String, Object> metrics, double etaSeconds) {
                inner.onRound(round, rounds, metrics, etaSeconds);
                action.accept(round);
            }

            @Override
            public void onPhase(String phase, int done, int total, double etaSeconds) {
                inner.onPhase(phase, done, total, etaSeconds);
            }

            @Override
            public void onFinish(Map<String, Object> summary) {
                inner.onFinish(summary);
            }
        };
    }

    /** A listener that ignores everything. */
    RoundListener NONE = (round, rounds, metrics, eta) -> { };
}
