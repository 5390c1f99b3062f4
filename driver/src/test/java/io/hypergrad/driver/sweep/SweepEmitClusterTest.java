package io.hypergrad.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypergrad.driver.round.StandaloneClusterTest;
import java.io.File;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.spark.launcher.JavaModuleOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Emitted work runs where it is sent: a two-run sweep is emitted as spark-submit lines for
 * {@code --deploy-mode cluster}, and each line, started from a folder that has nothing to do with the
 * sweep, runs its driver on a worker of a real standalone cluster (a master and two workers, separate
 * JVMs on loopback, {@code deploy/cluster/standalone.sh}) — reading its config from its run folder — and
 * gives the λ fingerprint that {@code sweep} itself gives for that run. Every process is stopped at the
 * end, even when the test fails.
 */
class SweepEmitClusterTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyEmittedLineRunsInClusterModeFromAnotherFolderAndMatchesSweep(@TempDir Path tmp) throws Exception {
        Path repo = StandaloneClusterTest.repoRoot();
        Path jars = Files.createDirectories(tmp.resolve("jars"));
        StandaloneClusterTest.collectClasspath(jars);
        // The application jar: the driver's classes (the cluster's classpath holds every other class already).
        Path appJar = tmp.resolve("hypergrad-app.jar");
        StandaloneClusterTest.packDirectory(driverClasses(), appJar);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Path home = repo.resolve("driver/target/emit-cluster");
        String script = repo.resolve("deploy/cluster/standalone.sh").toString();
        try {
            // Each driver takes a core of a worker in cluster mode: two cores per worker leave room for the executors.
            Process start = new ProcessBuilder("bash", script, "start", "--home", home.toString(), "--jars", jars.toString(),
                    "--port", String.valueOf(port), "--workers", "2", "--cores", "2", "--memory", "2g").redirectErrorStream(true).start();
            String started = new String(start.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(start.waitFor(120, TimeUnit.SECONDS) && start.exitValue() == 0, "cluster start failed:\n" + started);
            String master = "spark://127.0.0.1:" + port;
            installSparkSubmit(home);

            File sweepFile = SweepEmitTest.sweep(tmp.resolve("sweep"));
            SweepSpec spec = SweepSpec.load(sweepFile);
            String outUri = "file:" + tmp.resolve("shared/out");
            Path emitDir = tmp.resolve("emitted");
            SweepEmitTest.Cli emitted = SweepEmitTest.cli("sweep", sweepFile.toString(), "--emit", "spark-submit", "--out", outUri,
                    "--emit-dir", emitDir.toString(), "--jar", appJar.toString(), "--master", master, "--deploy-mode", "cluster",
                    "--driver-memory", "512m", "--executor-instances", "2", "--executor-cores", "1", "--executor-memory", "512m");
            assertEquals(0, emitted.code(), emitted.err());
            List<String> lines = SweepEmitTest.lines(emitDir.resolve("spark-submit.sh"));
            assertEquals(spec.runs().size(), lines.size(), emitted.out());

            // The cluster's folder outlives a test (its logs are kept for inspection): count the drivers this test adds.
            long driversBefore = drivers(home);
            Path elsewhere = Files.createDirectories(tmp.resolve("elsewhere"));
            for (int i = 0; i < lines.size(); i++) {
                Path log = tmp.resolve("submit-" + i + ".log");
                ProcessBuilder pb = new ProcessBuilder("bash", "-c", lines.get(i)).directory(elsewhere.toFile())
                        .redirectErrorStream(true).redirectOutput(log.toFile());
                pb.environment().put("SPARK_HOME", home.toString());
                pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
                pb.environment().put("PATH", home.resolve("bin") + File.pathSeparator + System.getenv("PATH"));
                Process submit = pb.start();
                boolean ended = submit.waitFor(600, TimeUnit.SECONDS);
                if (!ended) {
                    submit.destroyForcibly();
                }
                assertTrue(ended && submit.exitValue() == 0, "spark-submit of " + spec.runs().get(i).name() + " failed:\n"
                        + Files.readString(log) + driverLogs(home));
            }

            assertEquals(lines.size(), drivers(home) - driversBefore, "each run's driver ran on a worker (cluster mode)");
            try (Stream<Path> left = Files.list(elsewhere)) {
                assertEquals(0, left.count(), "nothing depends on, or lands in, the folder the lines were started from");
            }

            // The same sweep started with sweep itself, in this JVM on local mode.
            String directUri = "file:" + tmp.resolve("direct");
            SweepEmitTest.Cli direct = SweepEmitTest.cli("sweep", sweepFile.toString(), "--out", directUri, "--master", "local[2]");
            assertEquals(0, direct.code(), direct.err());
            for (SweepRun r : spec.runs()) {
                Map<?, ?> onCluster = summary(r.folderIn(outUri));
                Map<?, ?> bySweep = summary(r.folderIn(directUri));
                assertEquals(bySweep.get("lambdaSha256"), onCluster.get("lambdaSha256"), r.name() + ": the emitted job vs sweep");
            }
        } finally {
            new ProcessBuilder("bash", script, "stop", "--home", home.toString()).inheritIO().start().waitFor(60, TimeUnit.SECONDS);
        }
    }

    /**
     * A {@code bin/spark-submit} for the cluster's SPARK_HOME (which holds only {@code jars/}): Spark's own
     * SparkSubmit on those jars, waiting for each driver to finish so that the test can read its results.
     */
    private static void installSparkSubmit(Path home) throws Exception {
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path submit = bin.resolve("spark-submit");
        Files.writeString(submit, "#!/usr/bin/env bash\nexec java " + JavaModuleOptions.defaultModuleOptions()
                + " -cp \"$SPARK_HOME/jars/*\" org.apache.spark.deploy.SparkSubmit \"$@\"\n");
        Files.setPosixFilePermissions(submit, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path conf = Files.createDirectories(home.resolve("conf"));
        Files.writeString(conf.resolve("spark-defaults.conf"), "spark.standalone.submit.waitAppCompletion true\n");
    }

    /** How many drivers the cluster's workers have started (each gets a driver-… folder). */
    private static long drivers(Path home) throws Exception {
        try (Stream<Path> s = Files.walk(home.resolve("work"))) {
            return s.filter(p -> Files.isDirectory(p) && p.getFileName().toString().startsWith("driver-")).count();
        }
    }

    private static Path driverClasses() {
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p) && p.endsWith(Path.of("driver", "target", "classes"))) {
                return p;
            }
        }
        throw new IllegalStateException("driver/target/classes is not on the test class path");
    }

    private static Map<?, ?> summary(String runFolder) throws Exception {
        Path p = Path.of(runFolder.substring("file:".length())).resolve("summary.json");
        assertTrue(Files.isRegularFile(p), "no " + p);
        return JSON.readValue(p.toFile(), Map.class);
    }

    /** The drivers' stderr (cluster mode puts a driver's logs in its worker's folder), for a failure's message. */
    private static String driverLogs(Path home) throws Exception {
        StringBuilder sb = new StringBuilder();
        List<Path> logs = new ArrayList<>();
        try (Stream<Path> s = Files.walk(home.resolve("work"))) {
            s.filter(p -> p.getFileName().toString().equals("stderr") && p.getParent().getFileName().toString().startsWith("driver-")).forEach(logs::add);
        }
        for (Path l : logs) {
            List<String> all = Files.readAllLines(l);
            sb.append("\n--- ").append(l).append('\n').append(String.join("\n", all.subList(Math.max(0, all.size() - 40), all.size())));
        }
        return sb.toString();
    }
}
