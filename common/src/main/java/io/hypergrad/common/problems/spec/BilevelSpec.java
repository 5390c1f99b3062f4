package io.hypergrad.common.problems.spec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypergrad.common.hypergrad.Bilevel;
import io.hypergrad.common.inner.Adam;
import io.hypergrad.common.inner.HyperHook;
import io.hypergrad.common.inner.InnerOptimizer;
import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.inner.Loss;
import io.hypergrad.common.inner.Objective;
import io.hypergrad.common.inner.Sgd;
import io.hypergrad.common.nn.Activation;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.LossFunction;
import io.hypergrad.common.nn.Model;
import io.hypergrad.common.nn.NetworkSchema;
import io.hypergrad.common.nn.ParamLayout;
import io.hypergrad.common.nn.Role;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A self-contained bilevel problem read from JSON (the {@code hypergradient} command's input; format in
 * docs/CLI.md): an MLP whose layers are inner weights or hyperparameters, training and validation data,
 * the inner optimiser and its horizon, and which hyperparameters are differentiated. PyTorch
 * conventions: a layer computes act(x·Wᵀ + b) with W [out][in]; losses are means over examples.
 * Every problem is reported with the JSON path of the field.
 *
 * <p>The layers go through the one layer schema ({@link NetworkSchema}) as dense layers named layer1,
 * layer2, …; the spec adds what an explicit problem needs on top: {@code in} checked against the
 * previous layer, and explicit initial values W and b.
 */
public final class BilevelSpec {
    private static final Set<String> TOP = Set.of("layers", "loss", "train", "val", "inner", "hyper");
    private static final Set<String> LAYER = Set.of("in", "out", "activation", "role", "W", "b");
    private static final Set<String> INNER = Set.of("optimizer", "lr", "momentum", "weightDecay", "steps", "batches");
    private static final Set<String> HYPER = Set.of("layers", "logLearningRate", "logWeightDecay");

    /** A layer as the spec gives it. */
    public record LayerSpec(int in, int out, Activation activation, Role role, double[] w, double[] b) {}

    private final List<LayerSpec> layers;
    private final LossFunction loss;
    private final Batch train;
    private final Batch val;
    private final String optimizer;
    private final double lr;
    private final double momentum;
    private final double weightDecay;
    private final int steps;
    private final int[][] batches;
    private final boolean hyperLearningRate;
    private final boolean hyperWeightDecay;
    private final Model model;

    private BilevelSpec(List<LayerSpec> layers, Model model, LossFunction loss, Batch train, Batch val, String optimizer, double lr, double momentum,
                        double weightDecay, int steps, int[][] batches, boolean hyperLearningRate, boolean hyperWeightDecay) {
        this.layers = layers;
        this.model = model;
        this.loss = loss;
        this.train = train;
        this.val = val;
        this.optimizer = optimizer;
        this.lr = lr;
        this.momentum = momentum;
        this.weightDecay = weightDecay;
        this.steps = steps;
        this.batches = batches;
        this.hyperLearningRate = hyperLearningRate;
        this.hyperWeightDecay = hyperWeightDecay;
    }

    /** Reads a spec file. */
    public static BilevelSpec read(File f) {
        if (!f.isFile()) {
            throw new SpecException(f.getPath(), f.exists() ? "not a file" : "no such file");
        }
        JsonNode root;
        try {
            // NaN and Infinity literals are read so that the field holding one can be named (and refused) below.
            ObjectMapper json = com.fasterxml.jackson.databind.json.JsonMapper.builder()
                    .enable(com.fasterxml.jackson.core.json.JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS).build();
            root = json.readTree(f);
        } catch (IOException e) {
            throw new SpecException(f.getPath(), "not valid JSON: " + e.getMessage().split("\n")[0]);
        }
        return parse(root);
    }

    /** Parses a spec from its JSON tree. */
    public static BilevelSpec parse(JsonNode root) {
        if (root == null || !root.isObject()) {
            throw new SpecException("$", "expected a JSON object");
        }
        known(root, TOP, "$");
        JsonNode hyperNode = root.get("hyper");
        List<String> hyper = new ArrayList<>();
        if (hyperNode == null) {
            hyper.add("layers");
        } else {
            if (!hyperNode.isArray()) {
                throw new SpecException("hyper", "expected an array of names (" + String.join(", ", HYPER) + ")");
            }
            for (int i = 0; i < hyperNode.size(); i++) {
                String h = hyperNode.get(i).asText();
                if (!HYPER.contains(h)) {
                    throw new SpecException("hyper[" + i + "]", "unknown hyperparameter '" + h + "'; known: " + String.join(", ", HYPER));
                }
                hyper.add(h);
            }
        }
        String lossName = text(root, "loss", "loss");
        LossFunction loss;
        try {
            loss = LossFunction.parse(lossName);
        } catch (IllegalArgumentException e) {
            throw new SpecException("loss", e.getMessage());
        }
        JsonNode ls = root.get("layers");
        if (ls == null || !ls.isArray() || ls.isEmpty()) {
            throw new SpecException("layers", "expected a non-empty array of layers");
        }
        // First pass: what the spec adds to the schema (in, required fields); the schema checks the rest.
        List<Map<String, Object>> defs = new ArrayList<>();
        int previousOut = 0;
        for (int i = 0; i < ls.size(); i++) {
            String p = "layers[" + i + "]";
            JsonNode l = ls.get(i);
            if (!l.isObject()) {
                throw new SpecException(p, "expected an object");
            }
            known(l, LAYER, p);
            int in = positive(l, "in", p);
            int out = positive(l, "out", p);
            if (i > 0 && in != previousOut) {
                throw new SpecException(p + ".in", in + " does not match the previous layer's out " + previousOut);
            }
            previousOut = out;
            Map<String, Object> def = new LinkedHashMap<>();
            def.put("type", "dense");
            def.put("name", "layer" + (i + 1));
            def.put("out", out);
            def.put("activation", text(l, "activation", p + ".activation"));
            def.put("role", text(l, "role", p + ".role"));
            defs.add(def);
        }
        NetworkSchema schema;
        try {
            schema = NetworkSchema.parse(defs, "layers");
        } catch (NetworkSchema.SchemaException e) {
            throw new SpecException(e.path(), e.problem());
        }
        List<LayerSpec> layers = new ArrayList<>();
        for (int i = 0; i < ls.size(); i++) {
            String p = "layers[" + i + "]";
            JsonNode l = ls.get(i);
            NetworkSchema.LayerDef d = schema.layers().get(i);
            if (d.role() == Role.HYPER && !hyper.contains("layers")) {
                throw new SpecException(p + ".role", "the layer is 'hyper' but \"layers\" is not listed in hyper");
            }
            int in = l.get("in").asInt();
            int out = d.out();
            layers.add(new LayerSpec(in, out, d.activation(), d.role(), matrix(l.get("W"), out, in, p + ".W"), vector(l.get("b"), out, p + ".b")));
        }
        int inWidth = layers.get(0).in();
        int outWidth = layers.get(layers.size() - 1).out();
        // MSE and Huber take any number of targets per example; binary cross-entropy one logit
        if (loss == LossFunction.BINARY_CROSS_ENTROPY && outWidth != 1) {
            throw new SpecException("layers[" + (layers.size() - 1) + "].out", loss.configName()
                    + " needs 1 output (a logit) per example, got " + outWidth);
        }
        Model model = schema.build(new int[] {inWidth}, outWidth, true);
        Batch train = data(root.get("train"), "train", inWidth, outWidth, loss);
        Batch val = data(root.get("val"), "val", inWidth, outWidth, loss);
        JsonNode inner = root.get("inner");
        if (inner == null || !inner.isObject()) {
            throw new SpecException("inner", "expected an object with optimizer, lr, steps, …");
        }
        known(inner, INNER, "inner");
        String opt = inner.has("optimizer") ? inner.get("optimizer").asText() : "sgd";
        if (!opt.equals("sgd") && !opt.equals("adam")) {
            throw new SpecException("inner.optimizer", "unknown optimizer '" + opt + "'; known: sgd, adam");
        }
        double lr = number(inner, "lr", "inner", true, 0.1);
        double mom = number(inner, "momentum", "inner", false, 0.0);
        double wd = number(inner, "weightDecay", "inner", false, 0.0);
        if (!(lr > 0)) {
            throw new SpecException("inner.lr", "must be positive, got " + lr);
        }
        if (!(mom >= 0 && mom < 1)) {
            throw new SpecException("inner.momentum", "must be in [0, 1), got " + mom);
        }
        if (!(wd >= 0)) {
            throw new SpecException("inner.weightDecay", "must be ≥ 0, got " + wd);
        }
        if (hyper.contains("logWeightDecay") && !(wd > 0)) {
            throw new SpecException("inner.weightDecay", "must be > 0 when logWeightDecay is a hyperparameter (λ = log wd)");
        }
        int steps = positive(inner, "steps", "inner");
        int[][] batches = null;
        if (inner.has("batches")) {
            JsonNode bs = inner.get("batches");
            if (!bs.isArray() || bs.isEmpty()) {
                throw new SpecException("inner.batches", "expected a non-empty array of index arrays");
            }
            batches = new int[bs.size()][];
            for (int i = 0; i < bs.size(); i++) {
                JsonNode b = bs.get(i);
                String p = "inner.batches[" + i + "]";
                if (!b.isArray() || b.isEmpty()) {
                    throw new SpecException(p, "expected a non-empty array of training-example indices");
                }
                batches[i] = new int[b.size()];
                for (int k = 0; k < b.size(); k++) {
                    JsonNode v = b.get(k);
                    if (!v.isIntegralNumber() || v.asInt() < 0 || v.asInt() >= train.size()) {
                        throw new SpecException(p + "[" + k + "]", v + " is not an index in [0, " + train.size() + ")");
                    }
                    batches[i][k] = v.asInt();
                }
            }
        }
        if (!hyper.contains("logLearningRate") && !hyper.contains("logWeightDecay")
                && layers.stream().noneMatch(l -> l.role() == Role.HYPER)) {
            throw new SpecException("hyper", "no hyperparameters: no layer has role 'hyper' and neither logLearningRate nor "
                    + "logWeightDecay is listed, so there is nothing to differentiate");
        }
        return new BilevelSpec(layers, model, loss, train, val, opt, lr, mom, wd, steps, batches,
                hyper.contains("logLearningRate"), hyper.contains("logWeightDecay"));
    }

    /** The network. */
    public Model model() {
        return model;
    }

    /** The inner steps T. */
    public int steps() {
        return steps;
    }

    /** The layers as given. */
    public List<LayerSpec> layers() {
        return layers;
    }

    /** Whether the learning rate is differentiated (λ entry after the layers). */
    public boolean hyperLearningRate() {
        return hyperLearningRate;
    }

    /** Whether the weight decay is differentiated (λ entry after the learning rate's). */
    public boolean hyperWeightDecay() {
        return hyperWeightDecay;
    }

    /** The loss the spec names. */
    public LossFunction loss() {
        return loss;
    }

    /** The objective: the loss's mean over the batch of the network's outputs. */
    public Objective objective() {
        return (tape, p, batch) -> loss.mean(model.forward(tape, p, batch), batch);
    }

    /** A fresh inner optimiser (one per thread). */
    public InnerOptimizer optimizer() {
        ParamLayout l = model.layout();
        HyperHook lrHook = hyperLearningRate ? new HyperHook("logLearningRate", HyperHook.Scope.GLOBAL, HyperHook.Transform.EXP, lr)
                : HyperHook.constant("learningRate", lr);
        HyperHook wdHook = hyperWeightDecay ? new HyperHook("logWeightDecay", HyperHook.Scope.GLOBAL, HyperHook.Transform.EXP, weightDecay)
                : HyperHook.constant("weightDecay", weightDecay);
        if (optimizer.equals("adam")) {
            return new Adam(l, lrHook, wdHook, 0.9, 0.999, 1e-8);
        }
        return new Sgd(l, lrHook, wdHook, momentum == 0 ? null : HyperHook.constant("momentum", momentum));
    }

    /** The problem: training and validation losses, optimiser and validation data. */
    public Bilevel bilevel() {
        return new Bilevel(new Loss(model.layout(), objective()), new Loss(model.layout(), objective()), optimizer(), val);
    }

    /** λ: the hyper layers' W and b in order, then log lr and log wd when declared. */
    public double[] lambda(InnerOptimizer opt) {
        ParamLayout l = model.layout();
        double[] lambda = new double[l.size(Role.HYPER) + opt.hyperSize()];
        fill(Role.HYPER, lambda);
        opt.initialiseHyper(lambda, l.size(Role.HYPER));
        return lambda;
    }

    /** z_0 from the inner layers' W and b. */
    public InnerState z0(InnerOptimizer opt) {
        double[] w = new double[model.layout().size(Role.INNER)];
        fill(Role.INNER, w);
        return opt.init(w);
    }

    private void fill(Role role, double[] out) {
        ParamLayout l = model.layout();
        for (int i = 0; i < layers.size(); i++) {
            LayerSpec s = layers.get(i);
            if (s.role() != role) {
                continue;
            }
            System.arraycopy(s.w(), 0, out, l.entry("layer" + (i + 1) + "/W").offset(), s.w().length);
            System.arraycopy(s.b(), 0, out, l.entry("layer" + (i + 1) + "/b").offset(), s.b().length);
        }
    }

    /** D_t for step t (1-based): batches[(t − 1) mod n], or the whole training set. */
    public Batch batch(int t) {
        return batches == null ? train : train.select(batches[(t - 1) % batches.length]);
    }

    private static Batch data(JsonNode d, String p, int in, int out, LossFunction loss) {
        if (d == null || !d.isObject()) {
            throw new SpecException(p, "expected an object with x and y");
        }
        known(d, Set.of("x", "y"), p);
        JsonNode x = d.get("x");
        JsonNode y = d.get("y");
        if (x == null || !x.isArray() || x.isEmpty()) {
            throw new SpecException(p + ".x", "expected a non-empty array of rows");
        }
        int n = x.size();
        double[] xs = matrix(x, n, in, p + ".x");
        if (y == null || !y.isArray() || y.size() != n) {
            throw new SpecException(p + ".y", "expected an array of " + n + " entries, one per row of x");
        }
        if (!loss.classification()) {
            return new Batch(xs, new int[] {in}, null, matrix(y, n, out, p + ".y"));
        }
        // one logit per example for binary cross-entropy, still two classes
        int classes = loss == LossFunction.BINARY_CROSS_ENTROPY ? 2 : out;
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            JsonNode v = y.get(i);
            if (!v.isIntegralNumber() || v.asInt() < 0 || v.asInt() >= classes) {
                throw new SpecException(p + ".y[" + i + "]", v + " is not a class label in [0, " + classes + ")");
            }
            labels[i] = v.asInt();
        }
        return new Batch(xs, new int[] {in}, labels, null);
    }

    private static double[] matrix(JsonNode m, int rows, int cols, String p) {
        if (m == null || !m.isArray()) {
            throw new SpecException(p, "expected " + rows + " rows of " + cols + " numbers");
        }
        if (m.size() != rows) {
            throw new SpecException(p, "has " + m.size() + " rows, expected " + rows);
        }
        double[] out = new double[rows * cols];
        for (int r = 0; r < rows; r++) {
            JsonNode row = m.get(r);
            if (!row.isArray() || row.size() != cols) {
                throw new SpecException(p, "row " + r + " has " + (row.isArray() ? row.size() : 0) + " numbers, expected " + cols);
            }
            for (int c = 0; c < cols; c++) {
                out[r * cols + c] = finite(row.get(c), p + "[" + r + "][" + c + "]");
            }
        }
        return out;
    }

    private static double[] vector(JsonNode v, int n, String p) {
        if (v == null || !v.isArray() || v.size() != n) {
            throw new SpecException(p, "expected " + n + " numbers" + (v != null && v.isArray() ? ", got " + v.size() : ""));
        }
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = finite(v.get(i), p + "[" + i + "]");
        }
        return out;
    }

    private static double finite(JsonNode v, String p) {
        if (v == null || !v.isNumber() || !Double.isFinite(v.asDouble())) {
            String shown = v == null ? "missing" : v.isNumber() ? String.valueOf(v.asDouble())
                    : v.isTextual() ? "the string " + v : v.toString();
            throw new SpecException(p, shown + " is not a finite number");
        }
        return v.asDouble();
    }

    private static String text(JsonNode o, String field, String p) {
        JsonNode v = o.get(field);
        if (v == null || !v.isTextual()) {
            throw new SpecException(p, "expected a string");
        }
        return v.asText();
    }

    private static int positive(JsonNode o, String field, String p) {
        JsonNode v = o.get(field);
        if (v == null || !v.isIntegralNumber() || v.asInt() < 1) {
            throw new SpecException(p + "." + field, "expected a positive integer" + (v == null ? " (missing)" : ", got " + v));
        }
        return v.asInt();
    }

    private static double number(JsonNode o, String field, String p, boolean required, double def) {
        JsonNode v = o.get(field);
        if (v == null) {
            if (required) {
                throw new SpecException(p + "." + field, "missing");
            }
            return def;
        }
        return finite(v, p + "." + field);
    }

    private static void known(JsonNode o, Set<String> allowed, String p) {
        for (Iterator<String> it = o.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!allowed.contains(f)) {
                throw new SpecException(p + "." + f, "unknown field; known: " + String.join(", ", new java.util.TreeSet<>(allowed)));
            }
        }
    }
}
