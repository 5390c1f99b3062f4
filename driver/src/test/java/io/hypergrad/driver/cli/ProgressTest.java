package io.hypergrad.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressTest {
    private static Map<String, Object> metrics(double valAccuracy) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("valLoss", 1.5);
        m.put("valAccuracy", valAccuracy);
        m.put("hypergradNorm", 0.25);
        m.put("seconds", 12.0);
        return m;
    }

    @Test
    void onATerminalARoundsStepsAreDrawnAfterTheBarOfTheRunSoFar() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        p.onRound(3, 10, metrics(0.4), 60);
        p.onPhase("round 4/10 · 4 episodes", 2, 4, 6);
        String out = bytes.toString(StandardCharsets.UTF_8);
        String lastDrawn = out.substring(out.lastIndexOf('\r') + 1);
        assertTrue(lastDrawn.startsWith("[#######.................] 3/10 · round 4/10 · 4 episodes: 2/4"), lastDrawn);
        assertTrue(!out.contains("\n"), "a round's steps redraw one line: " + out);
    }

    @Test
    void onATerminalAPhaseAfterTheLastRoundKeepsItsOwnLine() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), true);
        p.onRound(2, 2, metrics(0.5), 0);
        p.onPhase("final test of the tuned λ", 5, 5, 0);
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length, "the last bar and the finished phase each end their line");
        assertTrue(lines[1].startsWith("\rfinal test of the tuned λ: 5/5"), lines[1]);
    }

    @Test
    void aRegressionsLineHasNoAccuracyAndALogGetsALinePerRound() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        Progress p = new Progress(new PrintStream(bytes, true, StandardCharsets.UTF_8), false);
        p.onRound(1, 2, metrics(Double.NaN), 30);
        p.onRound(2, 2, metrics(Double.NaN), 0);
        String[] lines = bytes.toString(StandardCharsets.UTF_8).split("\n");
        assertEquals(2, lines.length);
        assertTrue(lines[0].startsWith("round 1/2 · valLoss 1.5000 · |g| 0.25"), lines[0]);
        assertTrue(!lines[0].contains("NaN") && !lines[0].contains("valAcc"), lines[0]);
    }
}
