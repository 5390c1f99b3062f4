package io.hypergrad.driver.sweep;

import io.hypergrad.driver.cli.Main;
import io.hypergrad.driver.round.Provenance;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.spark.launcher.JavaModuleOptions;

/**
 * A sweep as work for a cluster scheduler: one {@code spark-submit} line per run (any master, or YARN in
 * cluster mode), or one Kubernetes {@code SparkApplication} manifest (spark-operator) per run.
 *
 * <p>Every job is self-contained: it runs {@code run CONFIG --out RUN_FOLDER --resume}, where CONFIG is
 * the run's fully resolved {@code config.conf} — written into its run folder on the sweep's output file
 * system before emitting ({@link Provenance#configFile}), or on Kubernetes optionally a {@code ConfigMap} mounted
 * into the driver pod. So a job finds its config wherever it is started, re-submitting it continues the
 * run, and the run folders are the ones {@code sweep} itself uses (a sweep partly run by a scheduler
 * resumes with {@code sweep} directly). A manifest names only paths inside the image that
 * {@code deploy/docker/Dockerfile} builds ({@link #IMAGE_JAR}), the output URI and the ConfigMap's mount.
 */
public final class SweepEmitter {
    private SweepEmitter() {}

    /** The application jar inside the image {@code deploy/docker/Dockerfile} builds. */
    public static final String IMAGE_JAR = "local:///opt/hypergrad/hypergrad.jar";
    /** Where the ConfigMap holding a run's config is mounted in the driver pod. */
    public static final String CONFIGMAP_MOUNT = "/etc/hypergrad";
    /** Kubernetes names: a driver pod is {@code NAME-driver}, and a pod name must fit 63 characters. */
    static final int MAX_APP_NAME = 56;

    /** What the sweep is emitted as. */
    public enum Kind {
        /** spark-submit lines for the master given (standalone, YARN, Kubernetes, …). */
        SPARK_SUBMIT("spark-submit"),
        /** spark-submit lines for YARN in cluster mode. */
        YARN("yarn"),
        /** spark-operator SparkApplication manifests. */
        K8S("k8s");

        private final String label;

        Kind(String label) {
            this.label = label;
        }

        /** The name {@code --emit} takes. */
        public String label() {
            return label;
        }

        /** The kind named {@code label}, or null. */
        public static Kind of(String label) {
            for (Kind k : values()) {
                if (k.label.equals(label)) {
                    return k;
                }
            }
            return null;
        }
    }

    /**
     * The resources every emitted job asks for.
     *
     * @param driverCores       cores of the driver
     * @param driverMemory      the driver's memory (Spark's size syntax: {@code 2g}, {@code 512m})
     * @param executorInstances executors per run
     * @param executorCores     cores per executor
     * @param executorMemory    memory per executor
     */
    public record Resources(int driverCores, String driverMemory, int executorInstances, int executorCores, String executorMemory) {
        /** The defaults: a 1-core, 2 GB driver and two 2-core, 4 GB executors. */
        public static final Resources DEFAULTS = new Resources(1, "2g", 2, 2, "4g");
    }

    /** The arguments after the jar: the run reads its config from {@code config} and resumes in its folder. */
    static List<String> runArgs(String config, String runFolder) {
        return List.of("run", config, "--out", runFolder, "--resume");
    }

    /**
     * One spark-submit line per run.
     *
     * @param sweepUri   the sweep folder, fully qualified (each run's config is {@code RUN_FOLDER/config.conf})
     * @param jar        the application jar as spark-submit should see it
     * @param master     the master URL
     * @param deployMode {@code client} or {@code cluster}
     */
    public static List<String> sparkSubmit(String sweepName, List<SweepRun> runs, String sweepUri, String jar, String master,
                                           String deployMode, Resources res) {
        List<String> out = new ArrayList<>();
        for (SweepRun r : runs) {
            List<String> words = new ArrayList<>(List.of("spark-submit", "--master", master, "--deploy-mode", deployMode));
            words.addAll(common(sweepName, r, res));
            if (master.startsWith("spark://")) {
                words.addAll(List.of("--total-executor-cores", String.valueOf(res.executorInstances() * res.executorCores())));
            } else {
                words.addAll(List.of("--num-executors", String.valueOf(res.executorInstances())));
            }
            out.add(line(words, jar, sweepUri, r));
        }
        return out;
    }

    /** One spark-submit line per run for YARN in cluster mode (spark-submit reads the cluster from HADOOP_CONF_DIR). */
    public static List<String> yarn(String sweepName, List<SweepRun> runs, String sweepUri, String jar, Resources res) {
        List<String> out = new ArrayList<>();
        for (SweepRun r : runs) {
            List<String> words = new ArrayList<>(List.of("spark-submit", "--master", "yarn", "--deploy-mode", "cluster"));
            words.addAll(common(sweepName, r, res));
            words.addAll(List.of("--num-executors", String.valueOf(res.executorInstances())));
            out.add(line(words, jar, sweepUri, r));
        }
        return out;
    }

    /**
     * The options every spark-submit line has: name, main class, the driver's Java 17 flags (Spark's own
     * list, {@link JavaModuleOptions}: a driver started on a cluster node gets none from the launcher there;
     * executors get them from the SparkContext), and the resources.
     */
    private static List<String> common(String sweepName, SweepRun r, Resources res) {
        return List.of("--name", "hypergrad-" + sweepName + "-" + r.name(), "--class", Main.class.getName(),
                "--conf", "spark.driver.extraJavaOptions=" + JavaModuleOptions.defaultModuleOptions(),
                "--driver-cores", String.valueOf(res.driverCores()), "--driver-memory", res.driverMemory(),
                "--executor-cores", String.valueOf(res.executorCores()), "--executor-memory", res.executorMemory());
    }

    private static String line(List<String> options, String jar, String sweepUri, SweepRun r) {
        List<String> words = new ArrayList<>(options);
        words.add(jar);
        String folder = r.folderIn(sweepUri);
        words.addAll(runArgs(folder + "/config.conf", folder));
        StringBuilder sb = new StringBuilder();
        for (String w : words) {
            sb.append(sb.length() == 0 ? "" : " ").append(quote(w));
        }
        return sb.toString();
    }

    /** Shell-quotes one word. */
    static String quote(String s) {
        return s.matches("[A-Za-z0-9_./:=,@+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    /**
     * One manifest per run, keyed by file name: a SparkApplication, preceded with {@code configMap} by
     * the ConfigMap that holds the run's config (mounted into the driver at {@link #CONFIGMAP_MOUNT}; the
     * spark-operator's webhook mounts it). Without, the job reads {@code RUN_FOLDER/config.conf} from the
     * sweep's output file system.
     *
     * @param sweepUri the sweep folder as the cluster sees it
     * @param image    the container image built from {@code deploy/docker/Dockerfile}
     */
    public static Map<String, String> kubernetes(String sweepName, List<SweepRun> runs, String sweepUri, String image, Resources res,
                                                 boolean configMap) {
        Map<String, String> out = new LinkedHashMap<>();
        Set<String> names = new HashSet<>();
        String sweepLabel = label(sweepName);
        for (SweepRun r : runs) {
            String name = appName(sweepName, r.name(), names);
            String folder = r.folderIn(sweepUri);
            String config = configMap ? CONFIGMAP_MOUNT + "/config.conf" : folder + "/config.conf";
            StringBuilder yaml = new StringBuilder(manifestHeader(sweepName, r.name()) + ": kubectl apply -f this file\n");
            if (configMap) {
                yaml.append("""
                        apiVersion: v1
                        kind: ConfigMap
                        metadata:
                          name: %s-config
                          labels:
                            app: hypergrad
                            hypergrad/sweep: %s
                        data:
                          config.conf: |
                        """.formatted(name, yamlString(sweepLabel)));
                for (String l : Provenance.configFile(r.config()).split("\n")) {
                    yaml.append("    ").append(l).append('\n');
                }
                yaml.append("---\n");
            }
            StringBuilder args = new StringBuilder();
            for (String a : runArgs(config, folder)) {
                args.append("    - ").append(yamlString(a)).append('\n');
            }
            yaml.append("""
                    apiVersion: sparkoperator.k8s.io/v1beta2
                    kind: SparkApplication
                    metadata:
                      name: %s
                      labels:
                        app: hypergrad
                        hypergrad/sweep: %s
                    spec:
                      type: Java
                      mode: cluster
                      image: %s
                      mainClass: %s
                      mainApplicationFile: %s
                      arguments:
                    %s  sparkVersion: "3.5.7"
                      restartPolicy:
                        type: OnFailure
                        onFailureRetries: 3
                      sparkConf:
                        spark.kryo.registrationRequired: "true"
                    """.formatted(name, yamlString(sweepLabel), yamlString(image), Main.class.getName(), yamlString(IMAGE_JAR), args));
            if (configMap) {
                yaml.append("""
                          volumes:
                            - name: hypergrad-config
                              configMap:
                                name: %s-config
                        """.formatted(name));
            }
            yaml.append("""
                      driver:
                        cores: %d
                        memory: %s
                        serviceAccount: spark
                    """.formatted(res.driverCores(), yamlString(res.driverMemory())));
            if (configMap) {
                yaml.append("""
                            volumeMounts:
                              - name: hypergrad-config
                                mountPath: %s
                        """.formatted(CONFIGMAP_MOUNT));
            }
            yaml.append("""
                      executor:
                        instances: %d
                        cores: %d
                        memory: %s
                    """.formatted(res.executorInstances(), res.executorCores(), yamlString(res.executorMemory())));
            out.put(name + ".yaml", yaml.toString());
        }
        return out;
    }

    /** The start of a manifest's first line: which sweep and run it is for (a prefix for every run with an empty one). */
    public static String manifestHeader(String sweepName, String runName) {
        return "# hypergrad sweep " + sweepName + ", run " + runName;
    }

    /**
     * A DNS-1123 name {@code hypergrad-SWEEP-RUN}: lower case, letters, digits and '-'; when too long, or
     * when two runs would share it, cut and ended with a hash of the run's name.
     */
    static String appName(String sweepName, String runName, Set<String> taken) {
        String name = ("hypergrad-" + sweepName + "-" + runName).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "-")
                .replaceAll("^-+|-+$", "");
        if (name.length() > MAX_APP_NAME || taken.contains(name)) {
            String hash = sha256(runName).substring(0, 8);
            name = name.substring(0, Math.min(name.length(), MAX_APP_NAME - 9)).replaceAll("-+$", "") + "-" + hash;
        }
        if (!taken.add(name)) {
            throw new IllegalStateException("two runs map to the Kubernetes name " + name);
        }
        return name;
    }

    /** A label value: at most 63 of letters, digits, '-', '_', '.', beginning and ending alphanumeric. */
    private static String label(String s) {
        String v = s.replaceAll("[^A-Za-z0-9_.-]+", "-");
        v = v.substring(0, Math.min(v.length(), 63));
        return v.replaceAll("^[^A-Za-z0-9]+|[^A-Za-z0-9]+$", "");
    }

    /** A YAML double-quoted scalar. */
    static String yamlString(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
