package io.hypergrad.driver.cli;

import io.hypergrad.driver.round.RoundListener;
import java.io.PrintStream;
import java.util.Locale;
import java.util.Map;

/**
 * Progress of a run for a person: a one-line bar redrawn in place on a terminal, plain lines when the
 * output is a file or a pipe (a log, CI).
 */
final class Progress implements RoundListener {
    private final PrintStream out;
    private final boolean terminal;
    /**
     * Seconds between a phase's lines in a log: a little under the round loop's 5 s heartbeat, so that
     * jitter does not drop every other heartbeat.
     */
    private static final double PHASE_LINE_SECONDS = 4;
    private String lastPhase;
    private long lastPhaseLine;
    /** The bar of the last finished round, kept at the head of the line while a phase of the next is drawn. */
    private String bar = "";

    Progress(PrintStream out) {
        this(out, System.console() != null && System.getenv("CI") == null);
    }

    /** @param terminal redraw one line in place (a person's terminal) rather than print a line per report (a log) */
    Progress(PrintStream out, boolean terminal) {
        this.out = out;
        this.terminal = terminal;
    }

    @Override
    public void onRound(int round, int rounds, Map<String, Object> m, double eta) {
        // A regression has no accuracy (NaN): its line shows the losses only.
        String metrics = String.format(Locale.ROOT, "valLoss %.4f%s · |g| %.3g · %.2fs/round", num(m.get("valLoss")),
                Double.isFinite(num(m.get("valAccuracy"))) ? String.format(Locale.ROOT, " · valAcc %.3f", num(m.get("valAccuracy"))) : "",
                num(m.get("hypergradNorm")), num(m.get("seconds")));
        String meta = Double.isFinite(num(m.get("metaValAccuracy")))
                ? String.format(Locale.ROOT, " · meta-val acc %.3f", num(m.get("metaValAccuracy")))
                : m.containsKey("metaValLoss") ? String.format(Locale.ROOT, " · meta-val loss %.4f", num(m.get("metaValLoss"))) : "";
        String eta_ = "ETA " + duration(eta);
        if (terminal) {
            int width = 24;
            int filled = (int) Math.round(width * round / (double) rounds);
            bar = String.format("[%s%s] %d/%d", "#".repeat(filled), ".".repeat(width - filled), round, rounds);
            out.printf("\r%s · %s%s · %s\033[K", bar, metrics, meta, eta_);
            if (round == rounds) {
                out.println();
                bar = "";
            }
        } else {
            out.printf("round %d/%d · %s%s · %s%n", round, rounds, metrics, meta, eta_);
        }
        out.flush();
    }

    @Override
    public void onPhase(String phase, int done, int total, double eta) {
        if (terminal) {
            // The bar stays at the head of the line, so a long round's steps do not hide how far the run is;
            // the rest of the line is cleared, as a phase may be drawn over a longer metrics line.
            out.printf("\r%s%s: %d/%d · ETA %s\033[K", bar.isEmpty() ? "" : bar + " · ", phase, done, total, duration(eta));
            if (done == total && bar.isEmpty()) {
                // Outside the rounds (before the first bar, the final test) a finished phase keeps its line.
                out.println();
            }
        } else {
            // A log gets a phase's start, its end, and a line at most every few seconds in between.
            long now = System.nanoTime();
            boolean fresh = !phase.equals(lastPhase);
            if (fresh || done == total || (now - lastPhaseLine) / 1e9 >= PHASE_LINE_SECONDS) {
                out.printf("%s: %d/%d · ETA %s%n", phase, done, total, duration(eta));
                lastPhase = phase;
                lastPhaseLine = now;
            }
        }
        out.flush();
    }

    private static double num(Object o) {
        return o instanceof Number n ? n.doubleValue() : Double.NaN;
    }

    static String duration(double s) {
        if (!Double.isFinite(s)) {
            return "?";
        }
        long t = Math.round(s);
        return t >= 3600 ? String.format("%dh%02dm", t / 3600, (t % 3600) / 60) : String.format("%dm%02ds", t / 60, t % 60);
    }
}
