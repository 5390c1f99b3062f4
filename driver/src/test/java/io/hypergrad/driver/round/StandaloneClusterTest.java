package io.hypergrad.driver.round;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.driver.output.RunFolder;
import io.hypergrad.driver.spark.SparkSetup;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service distributed for real (and an executor killed under it): a Spark standalone master and two workers, each a separate JVM
 * started by {@code deploy/cluster/standalone.sh} from this build's classpath, on loopback; the run is
 * submitted to {@code spark://127.0.0.1:…}, its executors are separate processes, and its λ fingerprint
 * equals local mode's. Every process is stopped at the end, even when the test fails.
 */
public class StandaloneClusterTest {

    @Test
    void aRunOnAStandaloneClusterMatchesLocalMode(@TempDir Path tmp) throws Exception {
        Path repo = repoRoot();
        Path jars = Files.createDirectories(tmp.resolve("jars"));
        List<String> appJars = collectClasspath(jars);
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        // Outside the temporary folder, so the cluster's logs survive a failure for inspection.
        Path home = repo.resolve("driver/target/standalone-cluster");
        String script = repo.resolve("deploy/cluster/standalone.sh").toString();
        try {
            Process start = new ProcessBuilder("bash", script, "start", "--home", home.toString(), "--jars", jars.toString(),
                    "--port", String.valueOf(port), "--workers", "2", "--cores", "1").redirectErrorStream(true).start();
            String out = new String(start.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(start.waitFor(120, TimeUnit.SECONDS) && start.exitValue() == 0, "cluster start failed:\n" + out);
            String master = "spark://127.0.0.1:" + port;
            assertTrue(out.strip().endsWith(master), out);

            RunConfig c = RunConfig.parse(LocalRunTest.CONFIG);
            SparkConf conf = SparkSetup.configure(new SparkConf().setMaster(master).setAppName("cluster-test")
                    .set("spark.ui.enabled", "false").set("spark.driver.host", "127.0.0.1")
                    .set("spark.driver.bindAddress", "127.0.0.1").set("spark.executor.memory", "512m")
                    .set("spark.cores.max", "2").set("spark.jars", String.join(",", appJars)));
            Map<String, Object> cluster;
            try (JavaSparkContext sc = new JavaSparkContext(conf)) {
                cluster = new RoundLoop(sc, c, new RunFolder(tmp.resolve("cluster-run").toString(), sc.hadoopConfiguration()),
                        RoundListener.NONE).run(false, -1);
            }
            Map<String, Object> local = LocalRunTest.run("local[2]", tmp.resolve("local-run").toString(), c, false, false, -1);
            assertEquals(local.get("lambdaSha256"), cluster.get("lambdaSha256"));

            // A user's problem class from its own jar (deploy/examples/plugin), shipped to the executors with
            // spark.jars only: it runs on the cluster and gives local mode's λ.
            Path pluginJar = PluginExample.jar(tmp);
            RunConfig plugin = RunConfig.parse(PluginExample.config());
            SparkConf pluginConf = conf.clone().setAppName("plugin-test").set("spark.jars", String.join(",", PluginExample.withJar(appJars, pluginJar)));
            // One class loader for both runs: the driver's problem cache keeps the instance it built.
            List<Map<String, Object>> pluginRuns = PluginExample.withJar(pluginJar, () -> {
                Map<String, Object> onCluster;
                try (JavaSparkContext sc = new JavaSparkContext(pluginConf)) {
                    onCluster = new RoundLoop(sc, plugin, new RunFolder(tmp.resolve("plugin-cluster").toString(), sc.hadoopConfiguration()),
                            RoundListener.NONE).run(false, -1);
                }
                return List.of(onCluster, LocalRunTest.run("local[2]", tmp.resolve("plugin-local").toString(), plugin, false, false, -1));
            });
            Map<String, Object> pluginCluster = pluginRuns.get(0);
            Map<String, Object> pluginLocal = pluginRuns.get(1);
            assertEquals("sparse-regression", pluginCluster.get("problem"));
            assertEquals(pluginLocal.get("lambdaSha256"), pluginCluster.get("lambdaSha256"), "the plugin on the cluster vs local mode");

            // kill -9 of an executor JVM in the middle of round 3: the round completes on the survivor and
            // the relaunched executor, and λ is bit-identical to the undisturbed run's.
            RunConfig drill = io.hypergrad.driver.bench.FaultDrills.drillConfig(5);
            String reference = io.hypergrad.driver.bench.FaultDrills.reference(drill, tmp.resolve("drill-reference"));
            io.hypergrad.driver.bench.FaultDrills.Outcome killed = io.hypergrad.driver.bench.FaultDrills.executorKill(
                    conf.clone().setAppName("executor-kill"), drill, tmp.resolve("drill-killed"), reference, 3, 1500);
            assertTrue(killed.survived(), killed.detail());
            try (Stream<Path> logs = Files.walk(home.resolve("work"))) {
                long executorLogs = logs.filter(p -> p.getFileName().toString().equals("stderr")).count();
                assertTrue(executorLogs >= 2, "expected executor processes on both workers, found " + executorLogs + " executor logs");
            }
        } finally {
            new ProcessBuilder("bash", script, "stop", "--home", home.toString()).inheritIO().start().waitFor(60, TimeUnit.SECONDS);
        }
    }

    /**
     * Links (or, for class folders, packs) every classpath entry of this test JVM into {@code jars}: the
     * cluster's SPARK_HOME/jars. Returns the project's own jars, which the application ships to executors.
     */
    public static List<String> collectClasspath(Path jars) throws IOException {
        List<String> own = new ArrayList<>();
        int n = 0;
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path p = Path.of(entry);
            if (Files.isDirectory(p)) {
                Path jar = jars.resolve("classes-" + (n++) + ".jar");
                packDirectory(p, jar);
                if (entry.contains("common") || entry.contains("workers")) {
                    own.add(jar.toString());
                }
            } else if (Files.isRegularFile(p) && entry.endsWith(".jar")) {
                Path link = jars.resolve((n++) + "-" + p.getFileName());
                Files.createSymbolicLink(link, p.toAbsolutePath());
                if (p.getFileName().toString().startsWith("hypergrad-")) {
                    own.add(p.toAbsolutePath().toString());
                }
            }
        }
        return own;
    }

    /** Packs every file under {@code dir} into {@code jar}, named relative to {@code dir}. */
    public static void packDirectory(Path dir, Path jar) throws IOException {
        try (OutputStream fo = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(fo);
             Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                out.putNextEntry(new JarEntry(dir.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, out);
                out.closeEntry();
            }
        }
    }

    public static Path repoRoot() {
        Path p = Path.of("").toAbsolutePath();
        while (p != null && !Files.exists(p.resolve("deploy/cluster/standalone.sh"))) {
            p = p.getParent();
        }
        if (p == null) {
            throw new IllegalStateException("cannot find the repository root from " + Path.of("").toAbsolutePath());
        }
        return p;
    }
}
