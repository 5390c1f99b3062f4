package io.hypergrad.driver.sweep;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.driver.cli.Main;
import io.hypergrad.driver.round.Provenance;
import io.hypergrad.driver.round.StandaloneClusterTest;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.Yaml;

/**
 * A sweep emitted for a scheduler: every job carries its config (in its run folder, or a ConfigMap), names
 * no path of the machine that emitted it, and shares its run folder with {@code sweep} itself. Running the
 * emitted lines on a real cluster is {@link SweepEmitClusterTest}.
 */
class SweepEmitTest {
    static final String SWEEP = """
            sweep { name = emit-test, base = base.conf, metric = finalValLoss, goal = min,
                    grid { "hypergrad.estimator" = ["fo", "hyperdistill:0.99"] } }
            """;

    /** What one CLI call printed. */
    record Cli(int code, String out, String err) {}

    /** Runs the CLI in this JVM; commands print to System.out/err, so those are captured for the call. */
    static synchronized Cli cli(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        System.setOut(o);
        System.setErr(e);
        int code;
        try {
            code = Main.execute(o, e, args);
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
        return new Cli(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** A sweep of two tiny sinusoid runs in {@code dir}; returns the sweep file. */
    static File sweep(Path dir) throws Exception {
        Files.createDirectories(dir);
        SweepTest.write(dir, "base.conf", SweepTest.BASE);
        return SweepTest.write(dir, "s.conf", SWEEP);
    }

    /** The words of one emitted shell line (single quotes as {@link SweepEmitter#quote} writes them). */
    static List<String> words(String line) {
        List<String> words = new ArrayList<>();
        Matcher m = Pattern.compile("'((?:[^']|'\\\\'')*)'|(\\S+)").matcher(line);
        while (m.find()) {
            words.add(m.group(1) != null ? m.group(1).replace("'\\''", "'") : m.group(2));
        }
        return words;
    }

    /** The emitted spark-submit lines of a script written by {@code --emit spark-submit|yarn}. */
    static List<String> lines(Path script) throws Exception {
        return Files.readAllLines(script).stream().filter(l -> l.startsWith("spark-submit ")).toList();
    }

    @Test
    void everyManifestIsValidSelfContainedAndNamesOnlyImagePathsTheOutputAndTheConfigMap(@TempDir Path tmp) throws Exception {
        File sweepFile = sweep(tmp.resolve("conf"));
        SweepSpec spec = SweepSpec.load(sweepFile);
        Path dockerfile = StandaloneClusterTest.repoRoot().resolve("deploy/docker/Dockerfile");
        String outUri = "file:" + tmp.resolve("shared/sweeps/emit-test");

        // The config in the run folder on the output file system (here file://, on a cluster s3a:// or hdfs://).
        Cli viaOut = cli("sweep", sweepFile.toString(), "--emit", "k8s", "--out", outUri, "--registry", "registry.example/ml", "--tag", "0.1.0",
                "--executor-instances", "3");
        assertEquals(0, viaOut.code(), viaOut.err());
        Path defaultDir = Path.of(URI.create(outUri)).resolve("k8s");
        assertTrue(viaOut.out().contains("kubectl apply -f " + defaultDir), "says where the manifests went and how to submit them:\n" + viaOut.out());
        checkManifests(spec, defaultDir, dockerfile, false, outUri, tmp);

        // The config in a ConfigMap mounted into the driver: the output URI is the cluster's alone, never touched from here.
        Path cmDir = tmp.resolve("emitted-cm");
        Cli viaConfigMap = cli("sweep", sweepFile.toString(), "--emit", "k8s", "--out", "s3a://bucket/sweeps/emit-test", "--config-via", "configmap",
                "--emit-dir", cmDir.toString(), "--registry", "registry.example/ml", "--tag", "0.1.0", "--executor-instances", "3");
        assertEquals(0, viaConfigMap.code(), viaConfigMap.err());
        checkManifests(spec, cmDir, dockerfile, true, "s3a://bucket/sweeps/emit-test", tmp);
    }

    @SuppressWarnings("unchecked")
    private static void checkManifests(SweepSpec spec, Path dir, Path dockerfile, boolean configMap, String outUri, Path tmp) throws Exception {
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".yaml")).sorted().toList();
        }
        assertEquals(spec.runs().size(), files.size(), "one manifest per run");
        List<String> imagePaths = imageLayout(dockerfile);
        List<String> machinePaths = List.of(tmp.toString(), System.getProperty("user.dir"), System.getProperty("user.home"),
                StandaloneClusterTest.repoRoot().toString());
        for (SweepRun run : spec.runs()) {
            Path file = files.stream().filter(f -> {
                try {
                    return Files.readString(f).contains("run " + run.name() + ":");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).findFirst().orElseThrow(() -> new AssertionError("no manifest for " + run.name() + " in " + files));
            String text = Files.readString(file);
            List<Map<String, Object>> docs = new ArrayList<>();
            for (Object d : new Yaml().loadAll(text)) {
                docs.add((Map<String, Object>) d);
            }
            Map<String, Object> app = docs.stream().filter(d -> "SparkApplication".equals(d.get("kind"))).findFirst().orElseThrow();
            assertEquals("sparkoperator.k8s.io/v1beta2", app.get("apiVersion"));
            Map<String, Object> meta = (Map<String, Object>) app.get("metadata");
            String name = (String) meta.get("name");
            assertTrue(name.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?") && name.length() <= 56, "a DNS-1123 name leaving room for -driver: " + name);
            Map<String, Object> s = (Map<String, Object>) app.get("spec");
            assertEquals("Java", s.get("type"));
            assertEquals("cluster", s.get("mode"));
            assertEquals("registry.example/ml/hypergrad:0.1.0", s.get("image"));
            assertEquals("io.hypergrad.driver.cli.Main", s.get("mainClass"));
            assertEquals("3.5.7", s.get("sparkVersion"));
            Map<String, Object> driver = (Map<String, Object>) s.get("driver");
            Map<String, Object> executor = (Map<String, Object>) s.get("executor");
            assertEquals(List.of(1, "2g", "spark"), List.of(driver.get("cores"), driver.get("memory"), driver.get("serviceAccount")), "default driver");
            assertEquals(List.of(3, 2, "4g"), List.of(executor.get("instances"), executor.get("cores"), executor.get("memory")),
                    "--executor-instances 3 over the defaults");

            // Every local:// path is one the Dockerfile puts into the image.
            Matcher local = Pattern.compile("local://(/[^\"\\s]*)").matcher(text);
            int locals = 0;
            while (local.find()) {
                locals++;
                String p = local.group(1);
                assertTrue(imagePaths.stream().anyMatch(d -> p.equals(d) || d.endsWith("/") && p.startsWith(d)),
                        p + " is not in the image the Dockerfile builds " + imagePaths);
            }
            assertEquals(1, locals, "the application jar, from the image");
            assertEquals("local://" + "/opt/hypergrad/hypergrad.jar", s.get("mainApplicationFile"));

            // The job runs its own config, resuming in the run folder sweep uses.
            List<String> args = (List<String>) s.get("arguments");
            String folder = run.folderIn(outUri);
            assertEquals(List.of("run", args.get(1), "--out", folder, "--resume"), args);
            String config;
            if (configMap) {
                Map<String, Object> cm = docs.stream().filter(d -> "ConfigMap".equals(d.get("kind"))).findFirst().orElseThrow();
                String cmName = (String) ((Map<String, Object>) cm.get("metadata")).get("name");
                Map<String, Object> volume = ((List<Map<String, Object>>) s.get("volumes")).get(0);
                assertEquals(cmName, ((Map<String, Object>) volume.get("configMap")).get("name"), "the volume is the run's ConfigMap");
                Map<String, Object> mount = ((List<Map<String, Object>>) driver.get("volumeMounts")).get(0);
                assertEquals(volume.get("name"), mount.get("name"), "mounted into the driver");
                assertEquals(mount.get("mountPath") + "/config.conf", args.get(1), "the job reads the mounted ConfigMap");
                config = (String) ((Map<String, Object>) cm.get("data")).get("config.conf");
                assertEquals(Provenance.configFile(run.config()), config, "the YAML block holds the config.conf text exactly");
            } else {
                assertEquals(folder + "/config.conf", args.get(1), "the job reads the config the sweep wrote into its run folder");
                config = Files.readString(Path.of(args.get(1).substring("file:".length())));
                assertEquals(Provenance.configFile(run.config()), config, "the config.conf a run records, provenance header included");
            }
            assertEquals(run.config().identity(), RunConfig.parse(config).identity(), "the config reached is the run's own");

            // No path of this machine: what remains once the output URI is taken out names none of its folders.
            String elsewhere = text.replace(outUri, "OUT");
            for (String p : machinePaths) {
                assertFalse(elsewhere.contains(p), file + " names " + p + " of the emitting machine:\n" + text);
            }
        }
    }

    /** The absolute paths {@code COPY} puts into the image (a destination ending in '/' is a folder). */
    static List<String> imageLayout(Path dockerfile) throws Exception {
        List<String> paths = new ArrayList<>();
        for (String l : Files.readAllLines(dockerfile)) {
            String[] w = l.trim().split("\\s+");
            if (w.length >= 3 && w[0].equals("COPY")) {
                paths.add(w[w.length - 1]);
            }
        }
        assertFalse(paths.isEmpty(), "no COPY in " + dockerfile);
        return paths;
    }

    @Test
    void aSweepEmittedThenPartlyRunResumesWithSweepSkippingTheFinishedRun(@TempDir Path tmp) throws Exception {
        File sweepFile = sweep(tmp);
        SweepSpec spec = SweepSpec.load(sweepFile);
        String outUri = "file:" + tmp.resolve("out");
        Path jar = Files.writeString(tmp.resolve("app.jar"), "stands for the application jar");
        Path emitDir = tmp.resolve("emitted");
        Cli emitted = cli("sweep", sweepFile.toString(), "--emit", "spark-submit", "--out", outUri, "--jar", jar.toString(), "--emit-dir",
                emitDir.toString(), "--master", "spark://cluster:7077");
        assertEquals(0, emitted.code(), emitted.err());
        List<String> lines = lines(emitDir.resolve("spark-submit.sh"));
        assertEquals(2, lines.size(), emitted.out());
        Path k8s = tmp.resolve("k8s");
        assertEquals(0, cli("sweep", sweepFile.toString(), "--emit", "k8s", "--out", outUri, "--emit-dir", k8s.toString()).code());
        Files.writeString(k8s.resolve("someone-elses.yaml"), "kind: ConfigMap\n");
        assertEquals(3, k8s.toFile().list().length);
        for (String l : lines) {
            assertTrue(emitted.out().contains(l), "every line is printed too");
        }

        // The scheduler runs the first job: the words after the jar, as the jar's main class would get them.
        List<String> first = words(lines.get(0));
        List<String> runArgs = new ArrayList<>(first.subList(first.indexOf(jar.toString()) + 1, first.size()));
        assertEquals(List.of("run", spec.runs().get(0).folderIn(outUri) + "/config.conf", "--out", spec.runs().get(0).folderIn(outUri), "--resume"),
                runArgs);
        runArgs.addAll(List.of("--master", "local[2]"));
        Cli ran = cli(runArgs.toArray(new String[0]));
        assertEquals(0, ran.code(), ran.err());
        Path firstSummary = Path.of(URI.create(spec.runs().get(0).folderIn(outUri))).resolve("summary.json");
        byte[] before = Files.readAllBytes(firstSummary);

        // Emitted again, only the unfinished run is a job.
        Cli again = cli("sweep", sweepFile.toString(), "--emit", "spark-submit", "--out", outUri, "--jar", jar.toString(), "--emit-dir",
                emitDir.toString());
        assertEquals(0, again.code(), again.err());
        assertEquals(1, lines(emitDir.resolve("spark-submit.sh")).size(), again.out());
        assertTrue(again.out().contains("1 complete (not emitted)"), again.out());
        assertEquals(0, cli("sweep", sweepFile.toString(), "--emit", "k8s", "--out", outUri, "--emit-dir", k8s.toString()).code());
        try (Stream<Path> left = Files.list(k8s)) {
            assertEquals(List.of("hypergrad-emit-test-estimator-hyperdistill-0-99.yaml", "someone-elses.yaml"),
                    left.map(p -> p.getFileName().toString()).sorted().toList(), "the finished run's manifest is gone, no other file touched");
        }

        // sweep itself, on the same folder, skips the run the scheduler finished and runs the other.
        Cli resumed = cli("sweep", sweepFile.toString(), "--out", outUri, "--master", "local[2]");
        assertEquals(0, resumed.code(), resumed.err());
        assertTrue(resumed.out().contains(spec.runs().get(0).name() + ": complete; skipped"), resumed.out());
        assertTrue(resumed.out().contains(spec.runs().get(1).name() + ": complete\n"), resumed.out());
        assertEquals(new String(before, StandardCharsets.UTF_8), Files.readString(firstSummary), "the finished run is left as it was");
    }

    @Test
    void whatWouldBreakAnEmittedJobIsRefusedBeforeAnythingIsWritten(@TempDir Path tmp) throws Exception {
        File sweepFile = sweep(tmp.resolve("conf"));
        Path out = tmp.resolve("out");
        String[][] refused = {
                {"--emit", "k8s", "--config-via", "configmap", "--out", "sweeps/rel", "|", "a relative path means nothing in a driver pod"},
                {"--emit", "yarn", "--config-via", "configmap", "--out", out.toString(), "|", "--config-via configmap: only with --emit k8s"},
                {"--emit", "k8s", "--executor-memory", "lots", "--out", out.toString(), "|", "--executor-memory lots: expected a size"},
                {"--emit", "spark-submit", "--jar", tmp.resolve("none.jar").toString(), "--out", out.toString(), "|", "none.jar: no such file"},
        };
        for (String[] c : refused) {
            List<String> args = new ArrayList<>(List.of("sweep", sweepFile.toString()));
            args.addAll(List.of(c).subList(0, c.length - 2));
            Cli r = cli(args.toArray(new String[0]));
            assertEquals(2, r.code(), String.join(" ", args) + "\n" + r.err());
            assertTrue(r.err().startsWith("hypergrad: ") && r.err().contains(c[c.length - 1]), r.err());
        }
        // A credential in a URI would reach the job redacted (config.conf never records one): refused, naming the run.
        SweepTest.write(tmp.resolve("conf"), "secret.conf", "sweep { base = base.conf, set { \"hypergrad.data.dir\" = \"s3a://KEY:SECRET@bucket/data\" },"
                + " grid { \"hypergrad.seed\" = [0, 1] } }");
        Cli secret = cli("sweep", tmp.resolve("conf/secret.conf").toString(), "--emit", "k8s", "--out", out.toString());
        assertEquals(2, secret.code(), secret.err());
        assertTrue(secret.err().contains("sweep run seed=0") && secret.err().contains("credentials") && !secret.err().contains("SECRET"), secret.err());
        assertFalse(Files.exists(out), "nothing written to --out");
        try (Stream<Path> s = Files.list(tmp.resolve("conf"))) {
            assertEquals(List.of("base.conf", "s.conf", "secret.conf"), s.map(p -> p.getFileName().toString()).sorted().toList(),
                    "nothing written beside the sweep file");
        }

        // With the output on the cluster alone, the files go beside the sweep file, in a folder named after the sweep.
        Cli ok = cli("sweep", sweepFile.toString(), "--emit", "k8s", "--config-via", "configmap", "--out", "hdfs:///sweeps/emit-test");
        assertEquals(0, ok.code(), ok.err());
        assertTrue(Files.isDirectory(tmp.resolve("conf/emit-test-k8s")) && ok.out().contains("kubectl apply -f " + tmp.resolve("conf/emit-test-k8s")),
                ok.out());
    }

    @Test
    void kubernetesNamesFitAPodNameAndNeverCollide() {
        Set<String> taken = new HashSet<>();
        String a = SweepEmitter.appName("demo-sweep", "seed=0,aggregator=koopman,estimator=hyperdistill:0.99,inner.lr=0.001", taken);
        String b = SweepEmitter.appName("demo-sweep", "seed=0,aggregator=koopman,estimator=hyperdistill:0.99,inner.lr=0.002", taken);
        assertTrue(a.length() <= SweepEmitter.MAX_APP_NAME && (a + "-driver").length() <= 63, a);
        assertTrue(!a.equals(b) && b.length() <= SweepEmitter.MAX_APP_NAME, "runs that differ past the cut: " + a + " / " + b);
        // Two run names that read the same once lower-cased to letters, digits and '-': the second gets a hash.
        String c = SweepEmitter.appName("s", "lr=0.1", taken);
        String d = SweepEmitter.appName("s", "lr=0_1", taken);
        assertEquals("hypergrad-s-lr-0-1", c);
        assertTrue(d.startsWith("hypergrad-s-lr-0-1-") && d.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?"), d);
    }
}
