package io.hypergrad.driver.checkpoint;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.driver.checkpoint.CheckpointCodec.InvalidCheckpointException;
import io.hypergrad.driver.output.RunFolder;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * Checkpoints in {@code checkpoints/} of a run folder: {@code round-NNNNNNNN.ckpt} in the
 * {@link CheckpointCodec} format, each written atomically under its own name, so a new checkpoint never
 * replaces the last good one in place. Loading takes the newest checkpoint that decodes and was written
 * under this run's config identity; a torn, corrupt or foreign newer one is reported and skipped. The last
 * {@link #KEEP} are kept.
 */
public final class CheckpointStore {
    /** How many checkpoints are kept. */
    public static final int KEEP = 3;
    private static final String DIR = "checkpoints";
    private static final Logger LOG = Logger.getLogger(CheckpointStore.class.getName());

    /** System property of a test hook: the driver halts in the middle of writing this round's checkpoint. */
    public static final String HALT_IN_WRITE = "hypergrad.test.haltInCheckpointWrite";

    private final RunFolder folder;
    private final String identity;
    private final List<String> rejected = new ArrayList<>();

    /** A store for the run of this config (its {@link RunConfig#identity()} is written into and checked against every checkpoint). */
    public CheckpointStore(RunFolder folder, RunConfig config) {
        this.folder = folder;
        this.identity = config.identity();
    }

    /** Writes the state as the checkpoint after {@code state.round} rounds, then prunes old ones. */
    public void save(DriverState state) {
        save(state.round, encode(state));
    }

    /** The state as checkpoint bytes: a snapshot that later changes to the state do not touch. */
    public byte[] encode(DriverState state) {
        return CheckpointCodec.encode(identity, state);
    }

    /** Writes a snapshot from {@link #encode} as the checkpoint after {@code round} rounds, then prunes old ones. */
    public void save(int round, byte[] snapshot) {
        if (round == Integer.getInteger(HALT_IN_WRITE, -1)) {
            // Test hook: die as if killed mid-write on a store without atomic renames — half the bytes under
            // the final name, then no shutdown hooks, no flushes.
            folder.writeAtomically(DIR + "/" + name(round), java.util.Arrays.copyOf(snapshot, snapshot.length / 2));
            Runtime.getRuntime().halt(137);
        }
        folder.writeAtomically(DIR + "/" + name(round), snapshot);
        List<String> all = checkpointFiles();
        for (int i = 0; i + KEEP < all.size(); i++) {
            folder.delete(DIR + "/" + all.get(i));
        }
    }

    /**
     * The newest valid checkpoint, if any; invalid ones are reported (logged and kept in {@link #rejected()})
     * and skipped.
     *
     * @throws IllegalStateException when checkpoints exist but none is valid (so that a resume never starts
     *                               afresh over them)
     */
    public Optional<DriverState> loadNewest() {
        rejected.clear();
        List<String> all = checkpointFiles();
        for (int i = all.size() - 1; i >= 0; i--) {
            String name = all.get(i);
            try {
                CheckpointCodec.Decoded d = CheckpointCodec.decode(folder.read(DIR + "/" + name));
                if (!d.config().equals(identity)) {
                    throw new InvalidCheckpointException("written by another config (" + difference(d.config(), identity) + ")");
                }
                if (!rejected.isEmpty()) {
                    LOG.warning("using checkpoint " + name + " after skipping: " + String.join("; ", rejected));
                }
                return Optional.of(d.state());
            } catch (InvalidCheckpointException | java.io.UncheckedIOException e) {
                String why = name + ": " + e.getMessage();
                rejected.add(why);
                LOG.warning("checkpoint " + why + "; trying the previous one");
            }
        }
        if (!all.isEmpty()) {
            throw new IllegalStateException("no valid checkpoint in " + folder.pathOf(DIR) + " (" + String.join("; ", rejected)
                    + "); move the folder away to start afresh");
        }
        return Optional.empty();
    }

    /** Why the checkpoints newer than the one {@link #loadNewest()} returned were skipped. */
    public List<String> rejected() {
        return List.copyOf(rejected);
    }

    /** The file name of the checkpoint after {@code round} rounds. */
    public static String name(int round) {
        return String.format("round-%08d.ckpt", round);
    }

    /** Where the checkpoint after {@code round} rounds lives. */
    public String pathOf(int round) {
        return folder.pathOf(DIR + "/" + name(round));
    }

    private List<String> checkpointFiles() {
        List<String> names = new ArrayList<>();
        for (String n : folder.list(DIR)) {
            if (n.matches("round-\\d{8}\\.ckpt")) {
                names.add(n);
            }
        }
        return names;
    }

    /** The first key whose value differs, as "key: A there, B here". */
    private static String difference(String there, String here) {
        List<String> a = List.of(there.split("\n"));
        List<String> b = List.of(here.split("\n"));
        for (String line : a) {
            if (!b.contains(line)) {
                String key = line.contains(" = ") ? line.substring(0, line.indexOf(" = ")) : line;
                String now = b.stream().filter(l -> l.startsWith(key + " = ")).findFirst().map(l -> l.substring(key.length() + 3)).orElse("unset");
                return key + ": " + line.substring(Math.min(line.length(), key.length() + 3)) + " there, " + now + " here";
            }
        }
        return "its keys differ";
    }

    /** SHA-256 of λ's IEEE-754 bits in order (big-endian): the run's determinism fingerprint. */
    public static String fingerprint(double[] lambda) {
        ByteBuffer buf = ByteBuffer.allocate(lambda.length * 8);
        for (double v : lambda) {
            buf.putLong(Double.doubleToRawLongBits(v));
        }
        StringBuilder sb = new StringBuilder();
        for (byte x : CheckpointCodec.sha256(buf.array())) {
            sb.append(String.format("%02x", x));
        }
        return sb.toString();
    }
}
