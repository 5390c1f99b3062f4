package io.hypergrad.driver.checkpoint;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.hypergrad.DistilledPoint;
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
        s.episodeCarries = new DistilledPoint[] {null, new DistilledPoint(3, 0.625, -5L,
                new InnerState(new double[] {1, -0.0}, new double[][] {{2, 3}}, 2), new int[] {1, 3, 3}, new int[] {4, 0, 2})};
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
        assertNull(s.episodeCarries[0]);
        DistilledPoint c = s.episodeCarries[1];
        DistilledPoint ec = e.episodeCarries[1];
        assertEquals(ec.t(), c.t());
        assertEquals(ec.theta(), c.theta());
        assertEquals(ec.seed(), c.seed());
        assertEquals(ec.state(), c.state());
        assertArrayEquals(ec.steps(), c.steps());
        assertArrayEquals(ec.rows(), c.rows());
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
        s.episodeCarries = null;
        DriverState d = CheckpointCodec.decode(CheckpointCodec.encode("", s)).state();
        assertNull(d.outerState);
        assertNull(d.episodeStates);
        assertNull(d.episodeCarries);
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
        for (int version : new int[] {0, CheckpointCodec.VERSION + 1}) {
            byte[] file = CheckpointCodec.encode("", sample());
            ByteBuffer.wrap(file).putInt(8, version);
            byte[] resealed = reseal(file);
            InvalidCheckpointException e = assertThrows(InvalidCheckpointException.class, () -> CheckpointCodec.decode(resealed));
            assertTrue(e.getMessage().contains("format version " + version), e.getMessage());
        }
    }

    @Test
    void aVersionOneFileIsReadWithoutCarries() {
        // Version 1 is version 2 without the carries field (here the −1 of a null array, just before the
        // four 8-byte fields that end the state).
        DriverState s = sample();
        s.episodeCarries = null;
        byte[] v2 = CheckpointCodec.encode("k = v\n", s);
        int carries = v2.length - 32 - 4 * 8 - 4;
        assertEquals(-1, ByteBuffer.wrap(v2).getInt(carries));
        byte[] v1 = new byte[v2.length - 4];
        System.arraycopy(v2, 0, v1, 0, carries);
        System.arraycopy(v2, carries + 4, v1, carries, v2.length - carries - 4);
        ByteBuffer.wrap(v1).putInt(8, 1);
        DriverState d = CheckpointCodec.decode(reseal(v1)).state();
        assertNull(d.episodeCarries);
        assertEquals(s.episodeStates[1], d.episodeStates[1]);
        assertEquals(s.seconds, d.seconds);
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
