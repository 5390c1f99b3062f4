package io.hypergrad.driver.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A sweep as work for a cluster scheduler: one {@code spark-submit} command per run, or one Kubernetes
 * {@code SparkApplication} manifest (spark-operator) per run. Every run is {@code run BASE --set …
 * --out DIR --resume}, so re-submitting a run continues it and a finished run ends at once.
 */
public final class SweepEmitter {
    private SweepEmitter() {}

    /** Shell-quotes one word. */
    static String quote(String s) {
        return s.matches("[A-Za-z0-9_./:=,@+-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }

    /** The CLI arguments of one run (after the jar). */
    static List<String> runArgs(SweepSpec spec, SweepRun r, String sweepDir) {
        List<String> a = new ArrayList<>();
        a.add("run");
        a.add(spec.baseLocation() == null ? "-" : spec.baseLocation());
        for (Map.Entry<String, String> e : r.overrides().entrySet()) {
            a.add("--set");
            a.add(e.getKey() + "=" + e.getValue());
        }
        a.add("--out");
        a.add(sweepDir + "/" + r.name());
        a.add("--resume");
        return a;
    }

    /** One spark-submit command line per run. */
    public static List<String> sparkSubmit(SweepSpec spec, String sweepDir, String jar, String master) {
        List<String> out = new ArrayList<>();
        for (SweepRun r : spec.runs()) {
            StringBuilder sb = new StringBuilder("deploy/bin/spark-submit-hypergrad");
            sb.append(" --master ").append(quote(master)).append(" --name ").append(quote("hypergrad-" + r.name()));
            sb.append(" --conf spark.hypergrad.sweep=").append(quote(spec.name()));
            sb.append(' ').append(quote(jar));
            for (String a : runArgs(spec, r, sweepDir)) {
                sb.append(' ').append(quote(a));
            }
            out.add(sb.toString());
        }
        return out;
    }

    /** One SparkApplication manifest (YAML) per run, keyed by file name. */
    public static Map<String, String> kubernetes(SweepSpec spec, String sweepDir, String image, String jarInImage) {
        Map<String, String> out = new java.util.LinkedHashMap<>();
        for (SweepRun r : spec.runs()) {
            String name = ("hypergrad-" + spec.name() + "-" + r.name()).toLowerCase().replaceAll("[^a-z0-9-]", "-");
            if (name.length() > 63) {
                name = name.substring(0, 54) + "-" + Integer.toHexString(r.name().hashCode() & 0xfffffff);
            }
            StringBuilder args = new StringBuilder();
            for (String a : runArgs(spec, r, sweepDir)) {
                args.append("    - \"").append(a.replace("\\", "\\\\").replace("\"", "\\\"")).append("\"\n");
            }
            out.put(name + ".yaml", """
                    apiVersion: sparkoperator.k8s.io/v1beta2
                    kind: SparkApplication
                    metadata:
                      name: %s
                      labels:
                        app: hypergrad
                        hypergrad/sweep: "%s"
                    spec:
                      type: Java
                      mode: cluster
                      image: "%s"
                      mainClass: io.hypergrad.driver.cli.Main
                      mainApplicationFile: "local://%s"
                      arguments:
                    %s  sparkVersion: "3.5.7"
                      restartPolicy:
                        type: OnFailure
                        onFailureRetries: 3
                      sparkConf:
                        spark.kryo.registrationRequired: "true"
                      driver:
                        cores: 1
                        memory: 2g
                        serviceAccount: spark
                      executor:
                        instances: 2
                        cores: 2
                        memory: 4g
                    """.formatted(name, spec.name(), image, jarInImage, args));
        }
        return out;
    }
}
