package io.hypergrad.driver.output;

import io.hypergrad.common.config.ConfigException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.logging.Logger;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Path;

/**
 * One writer per run folder: {@value #FILE} in the folder, created exclusively, holding the holder's host,
 * pid, start time, a heartbeat refreshed every round ({@link #heartbeat()}) and a token of its own. A second
 * writer is refused ({@link ConfigException}: exit 2, naming the holder and since when) before it writes
 * anything. A lock whose holder is gone is stale and taken over without a manual step: on the same host
 * when its process no longer runs (a {@code kill -9}, a halted JVM), on another host when its heartbeat is
 * older than the lease ({@code hypergrad.lock.leaseSeconds}).
 *
 * <p>Creation is exclusive where the file system makes it atomic: {@code O_EXCL} on the local file system,
 * the NameNode's create on HDFS. Object stores (s3a) check and then write, which leaves a window of one
 * request for two writers starting at the same instant; the heartbeat's token check then stops the loser
 * at its next round.
 */
public final class RunLock implements AutoCloseable {
    /** The lock's file name in the run folder. */
    public static final String FILE = "run.lock";
    private static final Logger LOG = Logger.getLogger(RunLock.class.getName());

    private final FileSystem fs;
    private final Path path;
    private final Holder mine;
    private boolean released;

    private RunLock(FileSystem fs, Path path, Holder mine) {
        this.fs = fs;
        this.path = path;
        this.mine = mine;
    }

    /**
     * Who holds a lock, as written in its file.
     *
     * @param host      the holder's host name
     * @param pid       its process id
     * @param processStart when that process started (tells a reused pid from the holder)
     * @param started   when it took the lock
     * @param heartbeat when it last said it was alive
     * @param token     unique to this taking of the lock
     */
    public record Holder(String host, long pid, Instant processStart, Instant started, Instant heartbeat, String token) {
        String text() {
            return "host=" + host + "\npid=" + pid + "\nprocessStart=" + processStart + "\nstarted=" + started
                    + "\nheartbeat=" + heartbeat + "\ntoken=" + token + "\n";
        }

        static Optional<Holder> parse(String text) {
            Map<String, String> m = new LinkedHashMap<>();
            for (String line : text.split("\n")) {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    m.put(line.substring(0, eq), line.substring(eq + 1));
                }
            }
            try {
                return Optional.of(new Holder(m.get("host"), Long.parseLong(m.get("pid")), Instant.parse(m.get("processStart")),
                        Instant.parse(m.get("started")), Instant.parse(m.get("heartbeat")), m.get("token")));
            } catch (RuntimeException e) {
                return Optional.empty();
            }
        }

        /** "host H, pid P, since T (last heartbeat N s ago)". */
        String describe(Instant now) {
            return "host " + host + ", pid " + pid + ", since " + started.truncatedTo(ChronoUnit.SECONDS)
                    + " (last heartbeat " + Duration.between(heartbeat, now).toSeconds() + " s ago)";
        }
    }

    /**
     * Takes the lock of the run folder at {@code folderUri}, creating the folder if needed.
     *
     * @param leaseSeconds how old another host's heartbeat must be for its lock to count as stale
     * @throws ConfigException when a live writer holds it
     */
    public static RunLock acquire(String folderUri, Configuration conf, int leaseSeconds) {
        try {
            Path root = new Path(folderUri);
            FileSystem fs = root.getFileSystem(conf);
            Path path = new Path(root, FILE);
            Holder mine = self();
            for (int attempt = 0; attempt < 3; attempt++) {
                if (createExclusively(fs, path, mine.text())) {
                    return new RunLock(fs, path, mine);
                }
                Optional<Holder> holder = readHolder(fs, path);
                if (holder.isEmpty()) {
                    // Gone between our create and our read (its holder released it): try again.
                    if (!fs.exists(path)) {
                        continue;
                    }
                    long age = Duration.between(Instant.ofEpochMilli(fs.getFileStatus(path).getModificationTime()), Instant.now()).toSeconds();
                    if (age <= leaseSeconds) {
                        throw new ConfigException("--out " + folderUri + ": the run folder is locked by " + path
                                + ", which cannot be read (written " + age + " s ago); if no run uses this folder, delete that file");
                    }
                    takeOver(fs, path, "unreadable, last written " + age + " s ago");
                    continue;
                }
                Instant now = Instant.now();
                Optional<String> stale = staleness(holder.get(), now, leaseSeconds);
                if (stale.isEmpty()) {
                    throw new ConfigException("--out " + folderUri + ": the run folder is in use by another run ("
                            + holder.get().describe(now) + "); wait for it to end or stop it, or choose another --out");
                }
                takeOver(fs, path, holder.get().describe(now) + ": " + stale.get());
            }
            throw new ConfigException("--out " + folderUri + ": could not take the run folder's lock " + path
                    + " (other runs keep taking it); try again");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock the run folder " + folderUri + ": " + e.getMessage(), e);
        }
    }

    /**
     * Refreshes the heartbeat (after every round), first checking that the lock is still this run's: a run
     * whose lock was taken over (its heartbeat went older than the lease) must not write on.
     *
     * @throws IllegalStateException when another run now holds the lock
     */
    public void heartbeat() {
        try {
            Optional<Holder> now = readHolder(fs, path);
            if (now.isPresent() && !now.get().token().equals(mine.token())) {
                throw new IllegalStateException("the run folder's lock " + path + " was taken over by "
                        + now.get().describe(Instant.now()) + ": this run stops so that two runs never write one folder");
            }
            Holder refreshed = new Holder(mine.host(), mine.pid(), mine.processStart(), mine.started(), Instant.now(), mine.token());
            overwrite(fs, path, refreshed.text());
        } catch (IOException e) {
            // A missed heartbeat only shortens the lease's margin; the next round tries again.
            LOG.warning("could not refresh the run folder's lock " + path + ": " + e.getMessage());
        }
    }

    /** Releases the lock if it is still this run's. */
    @Override
    public void close() {
        if (released) {
            return;
        }
        released = true;
        try {
            Optional<Holder> now = readHolder(fs, path);
            if (now.isPresent() && now.get().token().equals(mine.token())) {
                fs.delete(path, false);
            }
        } catch (IOException e) {
            LOG.warning("could not release the run folder's lock " + path + ": " + e.getMessage()
                    + " (the next run finds it stale once this process has ended)");
        }
    }

    /** Why a holder is stale, or empty when it may still be writing. */
    static Optional<String> staleness(Holder h, Instant now, int leaseSeconds) {
        Holder me = self();
        if (h.host().equals(me.host())) {
            Optional<ProcessHandle> p = ProcessHandle.of(h.pid());
            // A pid the system reused for a later process is not the holder: compare start times when both are known.
            boolean sameProcess = p.isPresent() && (h.processStart().equals(Instant.EPOCH) || p.get().info().startInstant()
                    .map(s -> s.truncatedTo(ChronoUnit.SECONDS).equals(h.processStart().truncatedTo(ChronoUnit.SECONDS)))
                    .orElse(true));
            return sameProcess && p.get().isAlive() ? Optional.empty()
                    : Optional.of("its process " + h.pid() + " on this host has ended");
        }
        long age = Duration.between(h.heartbeat(), now).toSeconds();
        return age > leaseSeconds
                ? Optional.of("its heartbeat is " + age + " s old, beyond the lease of " + leaseSeconds + " s (hypergrad.lock.leaseSeconds)")
                : Optional.empty();
    }

    /**
     * Moves a stale lock aside under a name of its own (a rename: of several runs taking over at once, one
     * succeeds) and removes it.
     */
    private static void takeOver(FileSystem fs, Path path, String why) throws IOException {
        Path aside = new Path(path.getParent(), "." + FILE + ".stale-" + UUID.randomUUID());
        if (fs.rename(path, aside)) {
            fs.delete(aside, false);
            LOG.info("took over the stale lock of the run folder " + path.getParent() + " (" + why + ")");
        }
    }

    private static boolean createExclusively(FileSystem fs, Path path, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        fs.mkdirs(path.getParent());
        if (fs instanceof LocalFileSystem local) {
            // Hadoop's local create checks, then opens (not atomic), and a kill between open and write would
            // leave an empty lock: a whole temporary file hard-linked to the lock's name is both atomic and whole.
            java.nio.file.Path file = local.pathToFile(path).toPath();
            java.nio.file.Path tmp = Files.createTempFile(file.getParent(), "." + FILE + ".", ".tmp");
            try {
                Files.write(tmp, bytes);
                Files.createLink(file, tmp);
                return true;
            } catch (java.nio.file.FileAlreadyExistsException e) {
                return false;
            } finally {
                Files.deleteIfExists(tmp);
            }
        }
        try (OutputStream out = fs.create(path, false)) {
            out.write(bytes);
            return true;
        } catch (org.apache.hadoop.fs.FileAlreadyExistsException e) {
            return false;
        } catch (IOException e) {
            if (fs.exists(path)) {
                return false;
            }
            throw e;
        }
    }

    /** Replaces the lock's content: on the local file system by an atomic rename, so it is never seen half written. */
    private static void overwrite(FileSystem fs, Path path, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        if (fs instanceof LocalFileSystem local) {
            java.nio.file.Path file = local.pathToFile(path).toPath();
            java.nio.file.Path tmp = Files.createTempFile(file.getParent(), "." + FILE + ".", ".tmp");
            try {
                Files.write(tmp, bytes);
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } finally {
                Files.deleteIfExists(tmp);
            }
            return;
        }
        try (OutputStream out = fs.create(path, true)) {
            out.write(bytes);
        }
    }

    /**
     * The holder written in the lock file; empty when there is none. A file caught mid-refresh (empty or
     * cut) is read again a moment later.
     */
    private static Optional<Holder> readHolder(FileSystem fs, Path path) throws IOException {
        for (int attempt = 0; attempt < 5; attempt++) {
            String text;
            try (InputStream in = fs.open(path); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
                in.transferTo(out);
                text = out.toString(StandardCharsets.UTF_8);
            } catch (java.io.FileNotFoundException e) {
                return Optional.empty();
            }
            Optional<Holder> h = Holder.parse(text);
            if (h.isPresent()) {
                return h;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return Optional.empty();
    }

    private static Holder self() {
        ProcessHandle p = ProcessHandle.current();
        Instant now = Instant.now();
        return new Holder(hostName(), p.pid(), p.info().startInstant().orElse(Instant.EPOCH), now, now, UUID.randomUUID().toString());
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            String env = System.getenv("HOSTNAME");
            return env != null ? env : "unknown-host";
        }
    }
}
