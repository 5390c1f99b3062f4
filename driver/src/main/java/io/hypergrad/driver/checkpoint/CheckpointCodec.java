package io.hypergrad.driver.checkpoint;

import io.hypergrad.common.hypergrad.DistilledPoint;
import io.hypergrad.common.inner.InnerState;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;

/**
 * The checkpoint file format, version 2: an explicit, field-by-field encoding of a {@link DriverState}
 * (never Java serialisation, so a crafted file cannot instantiate classes), big-endian:
 *
 * <pre>
 *   magic      8 bytes  "HGCKPT\r\n"
 *   version    int      2
 *   config     int n, n bytes UTF-8   the run-defining config keys the state belongs to
 *   state      the DriverState fields in declaration order (arrays as int length, −1 for null, then values)
 *   sha256     32 bytes over everything before it
 * </pre>
 *
 * Version 2 added {@link DriverState#episodeCarries} after the episode states: per slot a flag, then
 * t, θ, seed, z* and D*'s (step, row) keys. Version 1 files are still read, with no carries: their
 * continuing episodes' estimators begin afresh at the next window, as the code that wrote them did.
 *
 * Reading checks the magic, the version and the checksum before it parses anything, and bounds every
 * length by the bytes that remain, so a truncated, flipped or hostile file is refused with a message and
 * never allocates more than its own size.
 */
public final class CheckpointCodec {
    /** The format version this code writes and reads. */
    public static final int VERSION = 2;
    /** The oldest format version this code still reads. */
    public static final int OLDEST_READABLE = 1;
    private static final byte[] MAGIC = "HGCKPT\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final int DIGEST = 32;

    private CheckpointCodec() {}

    /** A decoded checkpoint: the config text it was written under and the state. */
    public record Decoded(String config, DriverState state) {}

    /** A checkpoint that cannot be used; the message says why. */
    public static final class InvalidCheckpointException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        InvalidCheckpointException(String message) {
            super(message);
        }
    }

    /** Encodes the state under the given run-defining config text. */
    public static byte[] encode(String config, DriverState s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.write(MAGIC);
            out.writeInt(VERSION);
            writeString(out, config);
            out.writeInt(s.round);
            writeDoubles(out, s.lambda);
            writeDoubles(out, s.phi);
            out.writeDouble(s.theta);
            writeMatrix(out, s.outerState);
            out.writeLong(s.outerSteps);
            out.writeLong(s.episodes);
            out.writeInt(s.metricsLines.size());
            for (String line : s.metricsLines) {
                writeString(out, line);
            }
            writeInts(out, s.taskRounds);
            if (s.episodeStates == null) {
                out.writeInt(-1);
            } else {
                out.writeInt(s.episodeStates.length);
                for (InnerState z : s.episodeStates) {
                    out.writeBoolean(z != null);
                    if (z != null) {
                        writeState(out, z);
                    }
                }
            }
            if (s.episodeCarries == null) {
                out.writeInt(-1);
            } else {
                out.writeInt(s.episodeCarries.length);
                for (DistilledPoint c : s.episodeCarries) {
                    out.writeBoolean(c != null);
                    if (c != null) {
                        out.writeInt(c.t());
                        out.writeDouble(c.theta());
                        out.writeLong(c.seed());
                        writeState(out, c.state());
                        writeInts(out, c.steps());
                        writeInts(out, c.rows());
                    }
                }
            }
            out.writeLong(s.episodesAtRefit);
            out.writeLong(s.koopmanCalls);
            out.writeLong(s.koopmanFallbacks);
            out.writeDouble(s.seconds);
            out.flush();
            out.write(sha256(bytes.toByteArray()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Decodes a checkpoint file.
     *
     * @throws InvalidCheckpointException when it is not a checkpoint, of another version, torn or corrupt
     */
    public static Decoded decode(byte[] file) {
        if (file.length >= MAGIC.length && !Arrays.equals(Arrays.copyOf(file, MAGIC.length), MAGIC)) {
            throw new InvalidCheckpointException("not a hypergrad checkpoint (bad magic)");
        }
        if (file.length < MAGIC.length + 4 + DIGEST) {
            throw new InvalidCheckpointException("truncated (" + file.length + " bytes)");
        }
        int body = file.length - DIGEST;
        if (!Arrays.equals(sha256(Arrays.copyOf(file, body)), Arrays.copyOfRange(file, body, file.length))) {
            throw new InvalidCheckpointException("checksum mismatch (torn or corrupt file, " + file.length + " bytes)");
        }
        ByteBuffer in = ByteBuffer.wrap(file, 0, body);
        in.position(MAGIC.length);
        int version = in.getInt();
        if (version < OLDEST_READABLE || version > VERSION) {
            throw new InvalidCheckpointException("format version " + version + " (this build reads versions "
                    + OLDEST_READABLE + " to " + VERSION + ")");
        }
        try {
            String config = readString(in);
            DriverState s = new DriverState();
            s.round = in.getInt();
            s.lambda = readDoubles(in);
            s.phi = readDoubles(in);
            s.theta = in.getDouble();
            s.outerState = readMatrix(in);
            s.outerSteps = in.getLong();
            s.episodes = in.getLong();
            int lines = length(in, 4);
            s.metricsLines = new ArrayList<>(Math.max(lines, 0));
            for (int i = 0; i < lines; i++) {
                s.metricsLines.add(readString(in));
            }
            s.taskRounds = readInts(in);
            int states = length(in, 1);
            if (states >= 0) {
                s.episodeStates = new InnerState[states];
                for (int i = 0; i < states; i++) {
                    if (in.get() != 0) {
                        s.episodeStates[i] = readState(in);
                    }
                }
            }
            if (version >= 2) {
                int carries = length(in, 1);
                if (carries >= 0) {
                    s.episodeCarries = new DistilledPoint[carries];
                    for (int i = 0; i < carries; i++) {
                        if (in.get() != 0) {
                            s.episodeCarries[i] = readCarry(in);
                        }
                    }
                }
            }
            s.episodesAtRefit = in.getLong();
            s.koopmanCalls = in.getLong();
            s.koopmanFallbacks = in.getLong();
            s.seconds = in.getDouble();
            if (in.hasRemaining()) {
                throw new InvalidCheckpointException(in.remaining() + " unexpected bytes after the state");
            }
            if (s.round < 0 || s.lambda == null || s.phi == null || s.metricsLines.size() != s.round) {
                throw new InvalidCheckpointException("inconsistent state (round " + s.round + ", "
                        + s.metricsLines.size() + " metrics lines)");
            }
            return new Decoded(config, s);
        } catch (BufferUnderflowException e) {
            throw new InvalidCheckpointException("ends in the middle of a field");
        }
    }

    private static void writeState(DataOutputStream out, InnerState z) throws IOException {
        writeDoubles(out, z.w);
        writeMatrix(out, z.buffers);
        out.writeInt(z.step);
    }

    private static InnerState readState(ByteBuffer in) {
        return new InnerState(readDoubles(in), readMatrix(in), in.getInt());
    }

    private static DistilledPoint readCarry(ByteBuffer in) {
        int t = in.getInt();
        double theta = in.getDouble();
        long seed = in.getLong();
        InnerState z = readState(in);
        int[] steps = readInts(in);
        int[] rows = readInts(in);
        try {
            return new DistilledPoint(t, theta, seed, z, steps, rows);
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new InvalidCheckpointException("an episode's distilled point is malformed (t " + t + ")");
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static void writeDoubles(DataOutputStream out, double[] a) throws IOException {
        if (a == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(a.length);
        for (double v : a) {
            out.writeLong(Double.doubleToRawLongBits(v));
        }
    }

    private static void writeInts(DataOutputStream out, int[] a) throws IOException {
        if (a == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(a.length);
        for (int v : a) {
            out.writeInt(v);
        }
    }

    private static void writeMatrix(DataOutputStream out, double[][] m) throws IOException {
        if (m == null) {
            out.writeInt(-1);
            return;
        }
        out.writeInt(m.length);
        for (double[] row : m) {
            writeDoubles(out, row);
        }
    }

    /** A length field, −1 for null, refused when its elements of {@code size} bytes cannot fit in what remains. */
    private static int length(ByteBuffer in, int size) {
        int n = in.getInt();
        if (n < -1 || (long) n * size > in.remaining()) {
            throw new InvalidCheckpointException("a length field (" + n + ") exceeds the file");
        }
        return n;
    }

    private static String readString(ByteBuffer in) {
        int n = length(in, 1);
        if (n < 0) {
            throw new InvalidCheckpointException("a text field is null");
        }
        byte[] b = new byte[n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static double[] readDoubles(ByteBuffer in) {
        int n = length(in, 8);
        if (n < 0) {
            return null;
        }
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
            a[i] = Double.longBitsToDouble(in.getLong());
        }
        return a;
    }

    private static int[] readInts(ByteBuffer in) {
        int n = length(in, 4);
        if (n < 0) {
            return null;
        }
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
            a[i] = in.getInt();
        }
        return a;
    }

    private static double[][] readMatrix(ByteBuffer in) {
        int n = length(in, 4);
        if (n < 0) {
            return null;
        }
        double[][] m = new double[n][];
        for (int i = 0; i < n; i++) {
            m[i] = readDoubles(in);
        }
        return m;
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

}
