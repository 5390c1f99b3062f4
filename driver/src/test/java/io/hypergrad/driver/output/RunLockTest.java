package io.hypergrad.driver.output;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One writer per run folder: refused while held, taken over once stale, released at the end. */
class RunLockTest {
    private static final Configuration CONF = new Configuration();
    private static final int LEASE = 60;

    private static String host() throws Exception {
        return java.net.InetAddress.getLocalHost().getHostName();
    }

    private static void writeLock(Path dir, String host, long pid, Instant processStart, Instant heartbeat) throws Exception {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(RunLock.FILE), new RunLock.Holder(host, pid, processStart, heartbeat.minusSeconds(5), heartbeat,
                "someone-else").text());
    }

    /** A pid that certainly belongs to no live process: one of a process that has ended. */
    private static long endedPid() throws Exception {
        Process p = new ProcessBuilder("true").start();
        assertTrue(p.waitFor(10, TimeUnit.SECONDS));
        return p.pid();
    }

    @Test
    void aSecondWriterIsRefusedNamingTheHolderAndSinceWhen(@TempDir Path tmp) {
        String dir = tmp.resolve("run").toString();
        try (RunLock first = RunLock.acquire(dir, CONF, LEASE)) {
            ConfigException e = assertThrows(ConfigException.class, () -> RunLock.acquire(dir, CONF, LEASE));
            assertTrue(e.getMessage().contains("in use by another run (host ") && e.getMessage().contains("pid " + ProcessHandle.current().pid())
                    && e.getMessage().contains(", since 20"), e.getMessage());
        }
        // Released at the end: the next run takes it.
        try (RunLock next = RunLock.acquire(dir, CONF, LEASE)) {
            assertTrue(Files.exists(tmp.resolve("run").resolve(RunLock.FILE)));
        }
        assertFalse(Files.exists(tmp.resolve("run").resolve(RunLock.FILE)));
    }

    @Test
    void aLockWhoseProcessOnThisHostHasEndedIsTakenOver(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        // A kill -9 leaves the lock behind with a fresh heartbeat: the dead pid alone makes it stale.
        writeLock(dir, host(), endedPid(), Instant.now().minusSeconds(10), Instant.now());
        try (RunLock taken = RunLock.acquire(dir.toString(), CONF, LEASE)) {
            assertTrue(Files.readString(dir.resolve(RunLock.FILE)).contains("pid=" + ProcessHandle.current().pid()));
        }
    }

    @Test
    void aLivePidThatStartedAfterTheLockIsAReusedPidAndTheLockIsStale(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        // This JVM's pid, but the lock says its process started an hour before this JVM did.
        Instant thisStart = ProcessHandle.current().info().startInstant().orElseThrow();
        writeLock(dir, host(), ProcessHandle.current().pid(), thisStart.minusSeconds(3600), Instant.now());
        RunLock.acquire(dir.toString(), CONF, LEASE).close();
    }

    @Test
    void anotherHostsLockHoldsWithinTheLeaseAndIsTakenOverAfterIt(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        writeLock(dir, "elsewhere.example", 4242, Instant.now().minusSeconds(600), Instant.now().minusSeconds(10));
        ConfigException e = assertThrows(ConfigException.class, () -> RunLock.acquire(dir.toString(), CONF, LEASE));
        assertTrue(e.getMessage().contains("host elsewhere.example, pid 4242"), e.getMessage());
        writeLock(dir, "elsewhere.example", 4242, Instant.now().minusSeconds(600), Instant.now().minusSeconds(LEASE + 30));
        RunLock.acquire(dir.toString(), CONF, LEASE).close();
    }

    @Test
    void aRunWhoseLockWasTakenOverStopsAtItsNextHeartbeatAndLeavesTheNewLockAlone(@TempDir Path tmp) throws Exception {
        Path dir = tmp.resolve("run");
        RunLock mine = RunLock.acquire(dir.toString(), CONF, LEASE);
        mine.heartbeat();
        writeLock(dir, "elsewhere.example", 4242, Instant.now(), Instant.now());
        IllegalStateException e = assertThrows(IllegalStateException.class, mine::heartbeat);
        assertTrue(e.getMessage().contains("taken over by host elsewhere.example"), e.getMessage());
        mine.close();
        assertTrue(Files.readString(dir.resolve(RunLock.FILE)).contains("token=someone-else"));
    }

    @Test
    void ofManyWritersStartingAtOnceExactlyOneGetsTheLock(@TempDir Path tmp) throws Exception {
        String dir = tmp.resolve("run").toString();
        int writers = 8;
        CountDownLatch go = new CountDownLatch(1);
        ConcurrentLinkedQueue<RunLock> held = new ConcurrentLinkedQueue<>();
        ConcurrentLinkedQueue<String> refused = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new java.util.ArrayList<>();
        for (int i = 0; i < writers; i++) {
            Thread t = new Thread(() -> {
                try {
                    go.await();
                    held.add(RunLock.acquire(dir, CONF, LEASE));
                } catch (ConfigException e) {
                    refused.add(e.getMessage());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            t.start();
            threads.add(t);
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertEquals(1, held.size(), "refused: " + refused);
        assertEquals(writers - 1, refused.size());
        held.forEach(RunLock::close);
    }
}
