package io.hypergrad.driver.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.inner.InnerState;
import io.hypergrad.driver.checkpoint.CheckpointCodec.InvalidCheckpointException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The checkpoint format: every field survives, and no damaged file is ever accepted. */
class CheckpointCodecTest {
    static DriverState sample() {
        DriverState s = new DriverState();
        s.round = 2;
        s.lambda = new double[] {1.5, -0.0, Double.MIN_VALUE, 3e300};
        s.phi = new double[] {0.25, -7};
        s.theta = 0.875;
        s.outerState = new double[][] {{1, 2}, {3, 4}};
        s.outerSteps = 40;
        s.episodes = 8;
        s.metricsLines = new java.util.ArrayList<>(List.of("{\"round\":1}", "{\"round\":2,\"note\":\"λ ✓\"}"));
        s.taskRounds = new int[] {-1, 1};
        s.episodeStates = new InnerState[] {null, new InnerState(new double[] {9, 8}, new double[][] {{0.5, 0.25}}, 3)};
        s.episodesAtRefit = 4;
        s.koopmanCalls = 2;
        s.koopmanFallbacks = 1;
        s.seconds = 12.5;
        return s;
    }

    @Test
    void everyFieldSurvivesBitForBit() {
        CheckpointCodec.Decoded d = CheckpointCodec.decode(CheckpointCodec.encode("hypergrad.seed = 7\n", sample()));
        DriverState s = d.state();
        DriverState e = sample();
        assertEquals("hypergrad.seed = 7\n", d.config());
        assertEquals(e.round, s.round);
        assertEquals(CheckpointStore.fingerprint(e.lambda), CheckpointStore.fingerprint(s.lambda), "λ bit for bit, −0.0 included");
        assertArrayEquals(e.phi, s.phi);
        assertEquals(e.theta, s.theta);
        assertTrue(Arrays.deepEquals(e.outerState, s.outerState));
        assertEquals(e.outerSteps, s.outerSteps);
        assertEquals(e.episodes, s.episodes);
        assertEquals(e.metricsLines, s.metricsLines);
        assertArrayEquals(e.taskRounds, s.taskRounds);
        assertNull(s.episodeStates[0]);
        assertEquals(e.episodeStates[1], s.episodeStates[1]);
        assertEquals(e.episodesAtRefit, s.episodesAtRefit);
        assertEquals(e.koopmanCalls, s.koopmanCalls);
        assertEquals(e.koopmanFallbacks, s.koopmanFallbacks);
        assertEquals(e.seconds, s.seconds);
    }

    @Test
    void nullArraysStayNull() {
        DriverState s = sample();
        s.outerState = null;
        s.episodeStates = null;
        DriverState d = CheckpointCodec.decode(CheckpointCodec.encode("", s)).state();
        assertNull(d.outerState);
        assertNull(d.episodeStates);
    }

    @Test
    void everyTruncationIsRefused() {
        byte[] file = CheckpointCodec.encode("k = v\n", sample());
        for (int n = 0; n < file.length; n++) {
            byte[] torn = Arrays.copyOf(file, n);
            assertThrows(InvalidCheckpointException.class, () -> CheckpointCodec.decode(torn), "torn at " + n + " bytes");
        }
    }

    @Test
    void everySingleFlippedByteIsRefused() {
        byte[] file = CheckpointCodec.encode("k = v\n", sample());
        for (int i = 0; i < file.length; i++) {
            byte[] bad = file.clone();
            bad[i] ^= 0x5A;
            assertThrows(InvalidCheckpointException.class, () -> CheckpointCodec.decode(bad), "byte " + i + " flipped");
        }
    }

    @Test
    void anotherFormatVersionIsRefusedByName() {
        byte[] file = CheckpointCodec.encode("", sample());
        ByteBuffer.wrap(file).putInt(8, 2);
        byte[] resealed = reseal(file);
        InvalidCheckpointException e = assertThrows(InvalidCheckpointException.class, () -> CheckpointCodec.decode(resealed));
        assertTrue(e.getMessage().contains("format version 2"), e.getMessage());
    }

    @Test
    void aHostileLengthWithAValidChecksumAllocatesNothing() {
        // A crafted file whose checksum holds but whose λ length claims 2^31 − 1 doubles: refused by the
        // bound on remaining bytes, not by running out of memory.
        byte[] file = CheckpointCodec.encode("", sample());
        int lambdaLength = 8 + 4 + 4 + 0 + 4;
        ByteBuffer.wrap(file).putInt(lambdaLength, Integer.MAX_VALUE);
        byte[] resealed = reseal(file);
        InvalidCheckpointException e = assertThrows(InvalidCheckpointException.class, () -> CheckpointCodec.decode(resealed));
        assertTrue(e.getMessage().contains("exceeds the file"), e.getMessage());
    }

    @Test
    void aJavaSerialisedFileIsNotACheckpoint() throws Exception {
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        try (java.io.ObjectOutputStream o = new java.io.ObjectOutputStream(b)) {
            o.writeObject(new java.util.ArrayList<>(List.of("payload")));
        }
        byte[] file = Arrays.copyOf(b.toByteArray(), Math.max(64, b.size()));
        InvalidCheckpointException e = assertThrows(InvalidCheckpointException.class, () -> CheckpointCodec.decode(file));
        assertTrue(e.getMessage().contains("bad magic"), e.getMessage());
    }

    /** Recomputes the trailing checksum, as an attacker (or a buggy writer) could. */
    static byte[] reseal(byte[] file) {
        byte[] body = Arrays.copyOf(file, file.length - 32);
        byte[] out = Arrays.copyOf(body, file.length);
        System.arraycopy(CheckpointCodec.sha256(body), 0, out, body.length, 32);
        return out;
    }
}
