package io.hypergrad.driver.checkpoint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.driver.output.RunFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Torn, corrupt, missing and foreign checkpoints: detected, reported, and the previous valid one used. */
class CheckpointStoreTest {
    private static final RunConfig CONFIG = RunConfig.defaults().with("hypergrad.seed", "7");

    private static DriverState state(int round) {
        DriverState s = CheckpointCodecTest.sample();
        s.round = round;
        s.lambda = new double[] {round, round + 0.5};
        s.metricsLines = new ArrayList<>();
        for (int r = 1; r <= round; r++) {
            s.metricsLines.add("{\"round\":" + r + "}");
        }
        return s;
    }

    private static RunFolder threeRounds(Path tmp) {
        RunFolder f = new RunFolder(tmp.toString(), new org.apache.hadoop.conf.Configuration());
        CheckpointStore store = new CheckpointStore(f, CONFIG);
        for (int r = 1; r <= 3; r++) {
            store.save(state(r));
        }
        return f;
    }

    private static Path file(Path tmp, int round) {
        return tmp.resolve(String.format("checkpoints/round-%08d.ckpt", round));
    }

    /**
     * Overwrites a checkpoint and drops the local file system's own {@code .crc} sidecar, as on a store
     * without one: the checkpoint's own checksum must catch the damage.
     */
    private static void tamper(Path file, byte[] bytes) throws Exception {
        Files.write(file, bytes);
        Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
    }

    @Test
    void theNewestValidCheckpointIsUsedAndOnlyTheLastThreeAreKept(@TempDir Path tmp) {
        RunFolder f = threeRounds(tmp);
        CheckpointStore store = new CheckpointStore(f, CONFIG);
        store.save(state(4));
        assertEquals(List.of("round-00000002.ckpt", "round-00000003.ckpt", "round-00000004.ckpt"), f.list("checkpoints"));
        assertEquals(4, store.loadNewest().orElseThrow().round);
        assertTrue(store.rejected().isEmpty());
    }

    @Test
    void aTruncatedNewestFallsBackToThePreviousOne(@TempDir Path tmp) throws Exception {
        RunFolder f = threeRounds(tmp);
        byte[] b = Files.readAllBytes(file(tmp, 3));
        tamper(file(tmp, 3), Arrays.copyOf(b, b.length / 2));
        CheckpointStore store = new CheckpointStore(f, CONFIG);
        assertEquals(2, store.loadNewest().orElseThrow().round);
        assertTrue(store.rejected().get(0).startsWith("round-00000003.ckpt: checksum mismatch"), store.rejected().toString());
    }

    @Test
    void flippedBytesFallBackToThePreviousOne(@TempDir Path tmp) throws Exception {
        RunFolder f = threeRounds(tmp);
        byte[] b = Files.readAllBytes(file(tmp, 3));
        b[b.length / 3] ^= 1;
        tamper(file(tmp, 3), b);
        CheckpointStore store = new CheckpointStore(f, CONFIG);
        assertEquals(2, store.loadNewest().orElseThrow().round);
        assertTrue(store.rejected().get(0).contains("checksum mismatch"), store.rejected().toString());
    }

    @Test
    void damageTheFileSystemsOwnChecksumCatchesFirstIsReportedToo(@TempDir Path tmp) throws Exception {
        RunFolder f = threeRounds(tmp);
        byte[] b = Files.readAllBytes(file(tmp, 3));
        b[10] ^= 1;
        Files.write(file(tmp, 3), b);
        CheckpointStore store = new CheckpointStore(f, CONFIG);
        assertEquals(2, store.loadNewest().orElseThrow().round);
        assertTrue(store.rejected().get(0).contains("Checksum error"), store.rejected().toString());
    }

    @Test
    void aMissingCheckpointIsNoGapInTheChain(@TempDir Path tmp) throws Exception {
        RunFolder f = threeRounds(tmp);
        Files.delete(file(tmp, 3));
        assertEquals(2, new CheckpointStore(f, CONFIG).loadNewest().orElseThrow().round);
        Files.delete(file(tmp, 1));
        assertEquals(2, new CheckpointStore(f, CONFIG).loadNewest().orElseThrow().round);
    }

    @Test
    void aCheckpointOfAnotherConfigIsSkippedNamingTheKey(@TempDir Path tmp) {
        RunFolder f = threeRounds(tmp);
        new CheckpointStore(f, CONFIG.with("hypergrad.seed", "8")).save(state(4));
        CheckpointStore store = new CheckpointStore(f, CONFIG);
        assertEquals(3, store.loadNewest().orElseThrow().round);
        assertTrue(store.rejected().get(0).contains("another config (hypergrad.seed: 8 there, 7 here)"), store.rejected().toString());
    }

    @Test
    void incidentalKeysDoNotMakeAnotherConfig(@TempDir Path tmp) {
        RunFolder f = threeRounds(tmp);
        RunConfig moved = CONFIG.with("hypergrad.data.dir", "\"/elsewhere\"").with("hypergrad.eval.every", "3");
        assertEquals(3, new CheckpointStore(f, moved).loadNewest().orElseThrow().round);
    }

    @Test
    void noValidCheckpointIsAClearErrorNotAFreshStart(@TempDir Path tmp) throws Exception {
        RunFolder f = threeRounds(tmp);
        for (int r = 1; r <= 3; r++) {
            tamper(file(tmp, r), new byte[] {1, 2, 3});
        }
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new CheckpointStore(f, CONFIG).loadNewest());
        assertTrue(e.getMessage().startsWith("no valid checkpoint in ") && e.getMessage().contains("round-00000001.ckpt: truncated"),
                e.getMessage());
    }

    @Test
    void anEmptyFolderHasNoCheckpoint(@TempDir Path tmp) {
        RunFolder f = new RunFolder(tmp.toString(), new org.apache.hadoop.conf.Configuration());
        assertTrue(new CheckpointStore(f, CONFIG).loadNewest().isEmpty());
    }
}
