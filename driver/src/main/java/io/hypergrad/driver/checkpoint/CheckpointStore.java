package io.hypergrad.driver.checkpoint;

import io.hypergrad.driver.output.RunFolder;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Checkpoints in {@code checkpoints/} of a run folder: {@code round-NNNNNNNN.ckpt}, each a 32-byte
 * SHA-256 of the payload followed by the serialised {@link DriverState}, written atomically. Loading
 * takes the newest checkpoint whose checksum holds, so a corrupt or truncated newest file falls back to
 * the one before. The last {@link #KEEP} are kept.
 */
public final class CheckpointStore {
    /** How many checkpoints are kept. */
    public static final int KEEP = 3;
    private static final String DIR = "checkpoints";
    private static final Logger LOG = Logger.getLogger(CheckpointStore.class.getName());

    private final RunFolder folder;

    public CheckpointStore(RunFolder folder) {
        this.folder = folder;
    }

    /** Writes the state as the checkpoint after {@code state.round − 1} rounds, then prunes old ones. */
    public void save(DriverState state) {
        byte[] payload = serialise(state);
        byte[] file = new byte[32 + payload.length];
        System.arraycopy(sha256(payload), 0, file, 0, 32);
        System.arraycopy(payload, 0, file, 32, payload.length);
        folder.writeAtomically(DIR + "/" + String.format("round-%08d.ckpt", state.round), file);
        List<String> all = folder.list(DIR);
        for (int i = 0; i + KEEP < all.size(); i++) {
            folder.delete(DIR + "/" + all.get(i));
        }
    }

    /** The newest valid checkpoint, if any; invalid ones are reported and skipped. */
    public Optional<DriverState> loadNewest() {
        List<String> all = folder.list(DIR);
        for (int i = all.size() - 1; i >= 0; i--) {
            String name = all.get(i);
            if (!name.endsWith(".ckpt")) {
                continue;
            }
            byte[] file = folder.read(DIR + "/" + name);
            if (file.length > 32) {
                byte[] payload = Arrays.copyOfRange(file, 32, file.length);
                if (Arrays.equals(sha256(payload), Arrays.copyOf(file, 32))) {
                    try {
                        return Optional.of(deserialise(payload));
                    } catch (RuntimeException e) {
                        LOG.warning("checkpoint " + name + " does not deserialise (" + e.getMessage() + "); trying the previous one");
                        continue;
                    }
                }
            }
            LOG.warning("checkpoint " + name + " fails its checksum; trying the previous one");
        }
        return Optional.empty();
    }

    static byte[] serialise(DriverState s) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(s);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static DriverState deserialise(byte[] payload) {
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(payload))) {
            return (DriverState) in.readObject();
        } catch (IOException | ClassNotFoundException e) {
            throw new IllegalStateException(e.getMessage(), e);
        }
    }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** SHA-256 of λ's IEEE-754 bits in order (big-endian): the run's determinism fingerprint. */
    public static String fingerprint(double[] lambda) {
        ByteBuffer buf = ByteBuffer.allocate(lambda.length * 8);
        for (double v : lambda) {
            buf.putLong(Double.doubleToRawLongBits(v));
        }
        StringBuilder sb = new StringBuilder();
        for (byte x : sha256(buf.array())) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }
}
