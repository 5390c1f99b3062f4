package io.hypergrad.driver.export;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.problems.LearnedNetwork;
import io.hypergrad.common.problems.MetaProblem;
import io.hypergrad.common.problems.ProblemFactory;
import io.hypergrad.common.problems.Split;
import io.hypergrad.driver.checkpoint.CheckpointStore;
import io.hypergrad.driver.checkpoint.DriverState;
import io.hypergrad.driver.output.RunFolder;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;

/**
 * {@code export --format dl4j}: the run's learned network (newest valid checkpoint) as a DL4J
 * {@code MultiLayerNetwork} zip with a JSON description, checked against our forward pass before it is
 * written; with {@code fit}, trained further on Spark with dl4j-spark's parameter averaging. It keeps the
 * driver's package name, {@code io.hypergrad.driver.export}, as do {@link TanhGelu} (whose name exported zips
 * record) and the rest of the add-on.
 */
public final class Dl4jExporter implements NetworkExporter {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    /** The export is refused when our forward pass and DL4J's differ by more than this (both in double). */
    static final double MAX_DIFFERENCE = 1e-6;

    @Override
    public String format() {
        return "dl4j";
    }

    @Override
    public void export(Request request) throws Exception {
        RunConfig config = request.config();
        DriverState state = request.state();
        RunFolder run = request.run();
        MetaProblem problem = ProblemFactory.create(config);
        long seed = config.get(RunConfig.SEED);
        boolean trained = state.episodeStates != null && state.episodeStates.length > 0 && state.episodeStates[0] != null;
        double[] w = trained ? state.episodeStates[0].w : state.phi;
        LearnedNetwork net = problem.learnedNetwork(state.lambda, w, seed);
        MultiLayerNetwork network = Dl4jExport.toNetwork(net);
        double difference = Dl4jExport.maxDifference(net, network, net.calibration());
        if (!(difference <= MAX_DIFFERENCE)) {
            throw new IllegalStateException("the DL4J network's outputs differ from ours by " + difference + " (> " + MAX_DIFFERENCE + "); nothing written");
        }
        RunFolder target = request.target();
        target.writeAtomically("model-dl4j.zip", Dl4jExport.zip(network));
        Map<String, Object> meta = describe(net, state, run, difference, trained);
        System.out.println(net.description());
        printLayers(net);
        System.out.printf(Locale.ROOT, "hypergrad: DL4J forward pass matches ours to %.2e on %d calibration inputs%n", difference,
                net.calibration().size());
        System.out.println("hypergrad: wrote " + target.pathOf("model-dl4j.zip"));
        if (request.fit()) {
            meta.put("fit", fit(config, problem, net, network, target, seed, request.epochs(), request.master()));
        }
        target.writeAtomically("model-dl4j.json", JSON.writeValueAsBytes(meta));
        System.out.println("hypergrad: wrote " + target.pathOf("model-dl4j.json"));
    }

    private static Map<String, Object> fit(RunConfig config, MetaProblem problem, LearnedNetwork net, MultiLayerNetwork network,
                                           RunFolder target, long seed, int epochs, String master) throws java.net.URISyntaxException {
        SparkConf conf = new SparkConf().setIfMissing("spark.app.name", "hypergrad export --fit")
                .set("spark.serializer", "org.apache.spark.serializer.JavaSerializer");
        if (master != null) {
            conf.setMaster(master);
        }
        conf.setIfMissing("spark.master", "local[*]");
        if (!conf.get("spark.master").startsWith("local")) {
            // The executors' class path is the training jar's, without DL4J: ship this add-on to them.
            conf.set("spark.jars", String.join(",", addOnJars(conf.get("spark.jars", ""))));
        }
        int steps = problem.innerSteps();
        Dl4jFit.Result r;
        try (JavaSparkContext sc = new JavaSparkContext(conf)) {
            sc.setLogLevel("WARN");
            r = Dl4jFit.fit(sc, network, net.output(), problem.task(seed, Split.META_TEST, 0, 1), steps, epochs, seed);
        }
        target.writeAtomically("model-dl4j-fit.zip", Dl4jExport.zip(network));
        System.out.printf(Locale.ROOT, "hypergrad: fit on Spark (%s, parameter averaging): %d epochs × %d batches in %.1f s; "
                        + "training loss %.4f → %.4f, validation loss %.4f → %.4f%s%n", conf.get("spark.master"), r.epochs(), r.batches(), r.seconds(),
                r.trainLossBefore(), r.trainLossAfter(), r.lossBefore(), r.lossAfter(), Double.isNaN(r.accuracyBefore()) ? ""
                        : String.format(Locale.ROOT, ", accuracy %.1f%% → %.1f%%", 100 * r.accuracyBefore(), 100 * r.accuracyAfter()));
        System.out.println("hypergrad: wrote " + target.pathOf("model-dl4j-fit.zip"));
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("master", conf.get("spark.master"));
        m.put("task", Map.of("split", "meta-test", "round", 0, "index", 1));
        m.put("epochs", r.epochs());
        m.put("batchesPerEpoch", r.batches());
        m.put("seconds", r.seconds());
        m.put("trainingLoss", List.of(r.trainLossBefore(), r.trainLossAfter()));
        m.put("validationLoss", List.of(r.lossBefore(), r.lossAfter()));
        if (!Double.isNaN(r.accuracyBefore())) {
            m.put("validationAccuracy", List.of(r.accuracyBefore(), r.accuracyAfter()));
        }
        m.put("file", "model-dl4j-fit.zip");
        return m;
    }

    private static Map<String, Object> describe(LearnedNetwork net, DriverState state, RunFolder run, double difference, boolean trained) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "DL4J MultiLayerNetwork (ModelSerializer zip, with updater), double precision");
        m.put("description", net.description());
        m.put("run", run.pathOf(""));
        m.put("roundsCompleted", state.round);
        m.put("lambdaSha256", CheckpointStore.fingerprint(state.lambda));
        m.put("innerWeights", trained ? "the continuing episode's current weights" : "φ, the meta-learned initial weights");
        m.put("output", net.output().name());
        m.put("maxForwardDifference", difference);
        List<Map<String, Object>> layers = new java.util.ArrayList<>();
        for (String name : net.parameterLayers()) {
            Map<String, Object> l = new LinkedHashMap<>();
            l.put("name", name);
            l.put("role", net.isHyper(name) ? "λ (frozen)" : "trainable");
            LearnedNetwork.LayerOptimizer o = net.optimizers().get(name);
            if (o != null && !net.isHyper(name)) {
                l.put("learningRate", o.learningRate());
                l.put("weightDecay", o.weightDecay());
                l.put("momentum", o.momentum());
                l.put("tuned", o.tuned());
            }
            layers.add(l);
        }
        m.put("layers", layers);
        return m;
    }

    private static void printLayers(LearnedNetwork net) {
        System.out.printf("%-12s %-12s %12s %12s %9s%n", "layer", "role", "lr", "weightDecay", "momentum");
        for (String name : net.parameterLayers()) {
            LearnedNetwork.LayerOptimizer o = net.optimizers().get(name);
            if (net.isHyper(name) || o == null) {
                System.out.printf("%-12s %-12s%n", name, "λ (frozen)");
            } else {
                System.out.printf(Locale.ROOT, "%-12s %-12s %12.4g %12.4g %9.3f%s%n", name, "trainable", o.learningRate(), o.weightDecay(),
                        o.momentum(), o.tuned() ? "  (tuned)" : "");
            }
        }
    }

    /**
     * {@code spark.jars} with this add-on appended: the jar it was loaded from, and when that is the thin
     * {@code hypergrad-dl4j.jar}, the jars of the {@code lib/} folder beside it (DL4J, ND4J and its natives).
     */
    static List<String> addOnJars(String jars) throws java.net.URISyntaxException {
        List<String> all = new java.util.ArrayList<>();
        for (String j : jars.split(",")) {
            if (!j.isBlank()) {
                all.add(j.trim());
            }
        }
        java.io.File self = new java.io.File(Dl4jExporter.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        all.add(self.getAbsolutePath());
        java.io.File[] lib = new java.io.File(self.getParentFile(), "lib").listFiles((d, n) -> n.endsWith(".jar"));
        if (self.getName().equals("hypergrad-dl4j.jar") && lib != null) {
            java.util.Arrays.sort(lib);
            for (java.io.File f : lib) {
                all.add(f.getAbsolutePath());
            }
        }
        return all;
    }
}
