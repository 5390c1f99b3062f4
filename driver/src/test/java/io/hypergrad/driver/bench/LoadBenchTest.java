package io.hypergrad.driver.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The load promise at suite size ({@code bench faults} runs 16 runs, 8 at a time): runs sharing one
 * application's executors concurrently give each the fingerprint it has alone.
 */
class LoadBenchTest {
    @Test
    void fourRunsTwoAtATimeInOneApplicationEachReachTheirFingerprintAlone(@TempDir Path tmp) throws Exception {
        ByteArrayOutputStream log = new ByteArrayOutputStream();
        LoadBench.Result r = LoadBench.run(4, 2, 3, "local[2]", tmp, new PrintStream(log, true, StandardCharsets.UTF_8));
        assertTrue(r.held(), r.mismatches() + "\n" + log.toString(StandardCharsets.UTF_8));
        assertEquals(4, r.identical());
        // Distinct seeds give distinct λ: the comparison is not between four copies of one run.
        assertEquals(4, java.util.stream.Stream.of(1, 2, 3, 4).map(s -> fingerprintOf(tmp, s)).distinct().count());
    }

    private static String fingerprintOf(Path tmp, int seed) {
        try (var files = java.nio.file.Files.list(tmp.resolve("concurrent"))) {
            Path run = files.filter(p -> p.getFileName().toString().endsWith("=" + seed)).findFirst().orElseThrow();
            return java.nio.file.Files.readString(run.resolve("summary.json")).replaceAll(".*\"lambdaSha256\":\"([0-9a-f]+)\".*", "$1").strip();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
