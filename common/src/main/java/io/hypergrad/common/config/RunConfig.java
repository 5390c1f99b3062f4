package io.hypergrad.common.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import io.hypergrad.common.hypergrad.Estimators;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * A run's resolved configuration: every key typed, documented, defaulted and validated (see
 * {@link #KEYS}). Immutable and serialisable, so the driver can broadcast it; the HOCON text it was
 * resolved from travels with it, which is what a run folder records for re-running.
 */
public final class RunConfig implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The built-in problems; besides them, {@code table} (a user's table) and {@code class:NAME} (a plugin). */
    public static final List<String> BUILT_IN_PROBLEMS = List.of("sinusoid", "anil-quickdraw", "warpgrad-quickdraw", "mwn-fashion",
            "opt-hpo-fashion", "table");
    public static final Key<String> PROBLEM = Key.parsedKey("hypergrad.problem", "sinusoid",
            "one of " + String.join(", ", BUILT_IN_PROBLEMS) + ", or class:NAME (a MetaProblem on the class path)",
            RunConfig::checkProblem, "the problem: a built-in benchmark, table (your own data, hypergrad.data.*), or a plugin class");
    public static final Key<Long> SEED = Key.longKey("hypergrad.seed", 0L,
            "run seed: every random stream is keyed by it (with round, task and step)");
    public static final Key<Integer> ROUNDS = Key.intKey("hypergrad.rounds", 100, 1, 10_000_000, "outer rounds");
    public static final Key<Integer> META_BATCH = Key.intKey("hypergrad.metaBatch", 4, 1, 100_000,
            "tasks (episodes) per round");
    public static final Key<Integer> PARTITIONS = Key.intKey("hypergrad.partitions", 0, 0, 100_000,
            "partitions of a round's episodes; 0 = one per task. Results depend on it, never on the executor count");
    public static final Key<String> ESTIMATOR = Key.parsedKey("hypergrad.estimator", "one-step",
            "an estimator name (" + Estimators.KNOWN + ")", Estimators::parse, "the local hypergradient estimator");
    public static final Key<String> AGGREGATOR = Key.choiceKey("hypergrad.aggregator", "replay",
            List.of("replay", "sum", "last", "koopman"),
            "how the driver turns the mean trajectory into outer steps: replay every step, their sum, the last, or Koopman");
    public static final Key<Integer> INNER_STEPS = Key.intKey("hypergrad.inner.steps", 0, 0, 10_000_000,
            "inner steps T per episode; 0 = the problem's default");
    public static final Key<Integer> INNER_WINDOW = Key.intKey("hypergrad.inner.window", 0, 0, 10_000_000,
            "inner steps per round τ; 0 = whole episodes each round. With τ < T an episode continues across rounds "
                    + "(its state travels with the round) and the estimator restarts at each window");
    public static final Key<Double> INNER_LR = Key.doubleKey("hypergrad.inner.lr", 0.01, 0, 100, "inner learning rate");
    public static final Key<Double> INNER_MOMENTUM = Key.doubleKey("hypergrad.inner.momentum", 0.9, 0, 0.999,
            "inner momentum (0 = plain SGD)");
    public static final Key<Integer> INNER_BATCH = Key.intKey("hypergrad.inner.batchSize", 100, 1, 1_000_000,
            "inner mini-batch size");
    public static final Key<String> OUTER_OPTIMIZER = Key.choiceKey("hypergrad.outer.optimizer", "momentum",
            List.of("sgd", "momentum", "adam"), "the outer optimiser of λ");
    public static final Key<Double> OUTER_LR = Key.doubleKey("hypergrad.outer.lr", 1e-3, 0, 100, "outer learning rate");
    public static final Key<Double> OUTER_MOMENTUM = Key.doubleKey("hypergrad.outer.momentum", 0.9, 0, 0.999,
            "outer momentum (for outer.optimizer = momentum)");
    public static final Key<String> OUTER_SCHEDULE = Key.choiceKey("hypergrad.outer.schedule", "linear",
            List.of("constant", "linear", "cosine"), "outer learning-rate schedule over all outer steps");
    public static final Key<Double> OUTER_CLIP = Key.doubleKey("hypergrad.outer.clipNorm", 0.0, 0, 1e12,
            "clip each hypergradient to this global L2 norm; 0 = no clipping");
    public static final Key<Double> REPTILE_STEP = Key.doubleKey("hypergrad.reptile.stepSize", 1.0, 0, 1,
            "Reptile step for the meta-initialisation φ of w; 0 keeps φ fixed");
    public static final Key<String> THETA_MODE = Key.choiceKey("hypergrad.theta.mode", "fit", List.of("fit", "fixed"),
            "HyperDistill's scale θ: fitted by DrMAD refits, or fixed at theta.value");
    public static final Key<Double> THETA_VALUE = Key.doubleKey("hypergrad.theta.value", 1.0, -1e6, 1e6,
            "θ when fixed, and its value before the first refit");
    public static final Key<Integer> THETA_REFIT_EVERY = Key.intKey("hypergrad.theta.refitEvery", 50, 1, 100_000_000,
            "refit θ every this many episodes");
    public static final Key<Integer> EVAL_EVERY = Key.intKey("hypergrad.eval.every", 10, 0, 10_000_000,
            "evaluate on meta-validation tasks every this many rounds (0 = only at the end)");
    public static final Key<Integer> EVAL_TASKS = Key.intKey("hypergrad.eval.tasks", 20, 1, 1_000_000,
            "meta-validation tasks per evaluation");
    public static final Key<Integer> TEST_TASKS = Key.intKey("hypergrad.eval.testTasks", 100, 0, 1_000_000,
            "meta-test tasks at the end (0 = none)");
    public static final Key<String> NON_FINITE = Key.choiceKey("hypergrad.nonFinite", "fail", List.of("fail", "skip-task", "clip"),
            "what a task whose inner loop hits NaN/Inf (loss, update, HVP, hypergradient) or diverges does: fail the run "
                    + "naming task, round and step; skip the task this round; or keep its estimates up to the fault (zeros after)");
    public static final Key<Double> DIVERGENCE = Key.doubleKey("hypergrad.inner.divergence", 1e6, 1, 1e300,
            "an inner loop diverges when its training loss exceeds this × max(1, its first loss); handled as hypergrad.nonFinite says");
    public static final Key<Integer> CHECKPOINT_EVERY = Key.intKey("hypergrad.checkpoint.every", 1, 1, 10_000_000,
            "write a checkpoint every this many rounds");
    public static final Key<Integer> LOCK_LEASE = Key.intKey("hypergrad.lock.leaseSeconds", 900, 1, 10_000_000,
            "a run folder's lock (run.lock) left by a driver on another host is taken over once its heartbeat, refreshed "
                    + "every round, is older than this many seconds (keep it above the longest round); on the same host a "
                    + "lock is stale as soon as its process is gone");
    public static final Key<Integer> KOOPMAN_DELAYS = Key.intKey("hypergrad.koopman.delays", 0, 0, 10_000,
            "Hankel delays of the Koopman aggregator; 0 = automatic (1 when |λ| >= window/3, else about window/(3|λ|))");
    public static final Key<Integer> KOOPMAN_HORIZON = Key.intKey("hypergrad.koopman.horizon", -1, -1, 100_000_000,
            "remaining horizon R the Koopman aggregator extrapolates to; -1 = the continuing episode's own, "
                    + "R = inner.steps - (step at the end of the window), 0 = none (the estimate is the last local one)");
    public static final Key<Boolean> KOOPMAN_POOL = Key.boolKey("hypergrad.koopman.pool", false,
            "fit the Koopman model to the snapshot pairs of every task's window (pooled; never across a window "
                    + "boundary) instead of the mean trajectory; read out at the mean. Off by default: with windows "
                    + "that differ only by noise, averaging first is better (pooled least squares keeps each task's "
                    + "noise in its regressors)");
    public static final Key<String> DATA_DIR = Key.stringKey("hypergrad.data.dir", "",
            "dataset folder (any Hadoop path); empty = $HYPERGRAD_DATA or ~/.cache/hypergrad/data");
    public static final Key<Integer> MODEL_WIDTH = Key.intKey("hypergrad.model.width", 40, 1, 100_000,
            "hidden width (MLP problems) or channels (conv problems)");
    public static final Key<Integer> MODEL_DEPTH = Key.intKey("hypergrad.model.depth", 2, 1, 100,
            "hidden layers (MLP problems)");
    public static final Key<Integer> TASK_SHOTS = Key.intKey("hypergrad.task.shots", 10, 1, 1_000_000,
            "training examples per class (or per task for regression)");
    public static final Key<Integer> TASK_QUERIES = Key.intKey("hypergrad.task.queries", 10, 1, 1_000_000,
            "validation examples per class (or per task for regression)");
    public static final Key<Double> TASK_CORRUPTION = Key.doubleKey("hypergrad.task.labelNoise", 0.4, 0, 1,
            "probability that a training label is replaced by another class (mwn-fashion)");
    public static final Key<Double> INNER_WEIGHT_DECAY = Key.doubleKey("hypergrad.inner.weightDecay", 5e-4, 0, 10,
            "inner weight decay (its initial value where it is a hyperparameter)");
    public static final Key<Integer> TASK_WAYS = Key.intKey("hypergrad.task.ways", 10, 2, 1000, "classes per task");

    public static final Key<String> DATA_FORMAT = Key.choiceKey("hypergrad.data.format", "parquet",
            List.of("parquet", "csv", "json", "orc", "libsvm", "table"),
            "table problem: the source format read by Spark's DataFrameReader, or table for a catalog table (hypergrad.data.table)");
    public static final Key<String> DATA_PATH = Key.stringKey("hypergrad.data.path", "",
            "table problem: the source (any Hadoop URI: a file, a folder, a glob)");
    public static final Key<String> DATA_TABLE = Key.stringKey("hypergrad.data.table", "",
            "table problem: a catalog table name (with data.format = table)");
    public static final Key<Map<String, String>> DATA_OPTIONS = Key.mapKey("hypergrad.data.options",
            "table problem: options passed to the reader, e.g. { header = true, inferSchema = true, sep = \";\" }");
    public static final Key<String> DATA_LABEL = Key.stringKey("hypergrad.data.label", "label",
            "table problem: the label column (classes indexed in sorted order for a classification loss; a number for regression)");
    public static final Key<List<String>> DATA_FEATURES = Key.stringListKey("hypergrad.data.features",
            "table problem: the feature columns (numeric columns, one ML Vector column or one array column); "
                    + "empty = every numeric column but label, group and split column");
    public static final Key<String> DATA_GROUP = Key.stringKey("hypergrad.data.group", "",
            "table problem: a group column; each group is a task (group mode: meta-learning over groups)");
    public static final Key<List<Integer>> DATA_SHAPE = Key.intListKey("hypergrad.data.shape", 1, 1_000_000,
            "table problem: the shape of one example, e.g. [1, 28, 28] so conv2d layers see images; empty = a flat vector");
    public static final Key<Double> DATA_VALIDATION = Key.doubleKey("hypergrad.data.split.validation", 0.15, 0, 0.9,
            "table problem: fraction of rows (or groups) held out for validation (the outer objective)");
    public static final Key<Double> DATA_TEST = Key.doubleKey("hypergrad.data.split.test", 0.15, 0, 0.9,
            "table problem: fraction of rows (or groups) held out for the final test");
    public static final Key<String> DATA_SPLIT_COLUMN = Key.stringKey("hypergrad.data.split.column", "",
            "table problem: a column whose values (train, validation, test) split the rows instead of the fractions");
    public static final Key<Boolean> DATA_STANDARDIZE = Key.boolKey("hypergrad.data.standardize", true,
            "table problem: standardise features with statistics of the training rows (stored with the run, applied by predict)");
    public static final Key<String> DATA_NULLS = Key.choiceKey("hypergrad.data.nulls", "fail", List.of("fail", "drop"),
            "table problem: rows with null or NaN features or labels fail the run, or are dropped (and counted)");
    public static final Key<Integer> DATA_MAX_MB = Key.intKey("hypergrad.data.maxMegabytes", 2048, 1, 1_000_000,
            "table problem: the per-executor memory budget of the cached table; larger tables are refused before any Spark job");
    public static final Key<String> DATA_CACHE = Key.stringKey("hypergrad.data.cache", "",
            "table problem: the prepared table's cache file (set by the driver when it prepares the table; not for users)");
    public static final Key<List<Map<String, Object>>> MODEL_LAYERS = Key.objectListKey("hypergrad.model.layers",
            "a list of layers { type = dense | conv2d | batchnorm | maxpool | avgpool | flatten | dropout | relu | tanh | sigmoid | gelu | identity, … }",
            layers -> {
                // Empty is the default (the problem's own network), written out as [] in a run's record.
                if (!layers.isEmpty()) {
                    io.hypergrad.common.nn.NetworkSchema.parse(layers, "hypergrad.model.layers");
                }
            },
            "table problem: the network, layer by layer (role = hyper makes a layer part of λ); empty = one hidden dense layer of model.width");
    public static final Key<String> MODEL_LOSS = Key.choiceKey("hypergrad.model.loss", "softmax_cross_entropy",
            List.of("softmax_cross_entropy", "binary_cross_entropy", "mse", "huber"),
            "table problem: the loss, which decides the task: classification (softmax or binary cross-entropy on logits) or regression");
    private static final List<String> SCOPES = List.of("constant", "global", "per-layer", "per-parameter");
    public static final Key<String> HYPER_LR = Key.choiceKey("hypergrad.hyper.learningRate", "per-layer", SCOPES,
            "table problem: the inner log learning rate as λ: constant (not tuned), one global, one per layer, or one per parameter");
    public static final Key<String> HYPER_WD = Key.choiceKey("hypergrad.hyper.weightDecay", "per-layer", SCOPES,
            "table problem: the inner log weight decay as λ, at the same granularities");
    public static final Key<String> HYPER_MOMENTUM = Key.choiceKey("hypergrad.hyper.momentum", "constant", SCOPES,
            "table problem: the inner momentum (through a sigmoid) as λ, at the same granularities");
    public static final Key<Integer> HYPER_EXAMPLE_WEIGHTS = Key.intKey("hypergrad.hyper.exampleWeights", 0, 0, 10_000,
            "table problem: per-example weights of the training loss from a weighting network (loss → weight, Meta-Weight-Net's "
                    + "shape) with this many hidden units, part of λ; 0 = none");
    public static final Key<Integer> TASK_VAL_ROWS = Key.intKey("hypergrad.task.valRows", 1000, 0, 100_000_000,
            "table problem: validation rows per task (a seeded sample of the validation part; 0 = all of it)");
    public static final Key<String> THETA_SCALE = Key.choiceKey("hypergrad.theta.scale", "decay", List.of("decay", "unit"),
            "how HyperDistill scales its distilled second-order term v_t: decay = θ·(1 − γ^t)/(1 − γ) (the estimator as "
                    + "derived), unit = π* = 1, g_t = g^FO_t + v_t (no θ, no refits: the paper's literal setting for "
                    + "Meta-Weight-Net, whose g^FO ≡ 0)");

    /** Every key, in the order {@code config --describe} prints them. */
    public static final List<Key<?>> KEYS = List.of(PROBLEM, SEED, ROUNDS, META_BATCH, PARTITIONS, ESTIMATOR, AGGREGATOR,
            INNER_STEPS, INNER_WINDOW, INNER_LR, INNER_MOMENTUM, INNER_BATCH, OUTER_OPTIMIZER, OUTER_LR, OUTER_MOMENTUM, OUTER_SCHEDULE,
            OUTER_CLIP, REPTILE_STEP, THETA_MODE, THETA_VALUE, THETA_REFIT_EVERY, EVAL_EVERY, EVAL_TASKS, TEST_TASKS,
            NON_FINITE, DIVERGENCE, CHECKPOINT_EVERY, LOCK_LEASE, KOOPMAN_DELAYS, KOOPMAN_HORIZON, KOOPMAN_POOL, DATA_DIR,
            MODEL_WIDTH, MODEL_DEPTH, TASK_SHOTS, TASK_QUERIES, TASK_WAYS, TASK_CORRUPTION, INNER_WEIGHT_DECAY,
            DATA_FORMAT, DATA_PATH, DATA_TABLE, DATA_OPTIONS, DATA_LABEL, DATA_FEATURES, DATA_GROUP, DATA_SHAPE, DATA_VALIDATION, DATA_TEST,
            DATA_SPLIT_COLUMN, DATA_STANDARDIZE, DATA_NULLS, DATA_MAX_MB, DATA_CACHE, MODEL_LAYERS, MODEL_LOSS, HYPER_LR, HYPER_WD,
            HYPER_MOMENTUM, HYPER_EXAMPLE_WEIGHTS, TASK_VAL_ROWS, THETA_SCALE);

    private static void checkProblem(String name) {
        if (name.startsWith("class:")) {
            if (!name.substring(6).trim().matches("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\.[\\p{L}_$][\\p{L}\\p{N}_$]*)*")) {
                throw new IllegalArgumentException("'" + name.substring(6) + "' is not a Java class name (class:com.acme.MyProblem)");
            }
        } else if (!BUILT_IN_PROBLEMS.contains(name)) {
            throw new IllegalArgumentException("expected one of " + String.join(", ", BUILT_IN_PROBLEMS)
                    + ", or class:NAME (a MetaProblem on the class path)");
        }
    }

    private final String hocon;
    private transient Config config;

    private RunConfig(String hocon, Config config) {
        this.hocon = hocon;
        this.config = config;
    }

    /** Resolves a config: rejects unknown keys (with a suggestion) and validates every known one. */
    public static RunConfig of(Config raw) {
        Config c = raw.resolve();
        Set<String> known = new TreeSet<>();
        List<String> objects = new ArrayList<>();
        for (Key<?> k : KEYS) {
            known.add(k.path());
            if (k.isObject()) {
                objects.add(k.path() + ".");
            }
        }
        for (Map.Entry<String, ConfigValue> e : c.entrySet()) {
            String path = e.getKey();
            if (objects.stream().anyMatch(path::startsWith)) {
                continue;
            }
            if (path.startsWith("hypergrad.") && !known.contains(path)) {
                throw new ConfigException("unknown config key " + path + suggestion(path, known)
                        + " (see: hypergrad config --describe)");
            }
            if (!path.startsWith("hypergrad.")) {
                // Keys outside the hypergrad block are not ours — unless they are ours misplaced or misspelt.
                String root = path.contains(".") ? path.substring(0, path.indexOf('.')) : path;
                String rest = path.contains(".") ? path.substring(path.indexOf('.') + 1) : "";
                if (known.contains("hypergrad." + path)) {
                    throw new ConfigException("config key " + path + " is outside the hypergrad { … } block; did you mean hypergrad."
                            + path + "? (see: hypergrad config --describe)");
                }
                if (!rest.isEmpty() && levenshtein(root, "hypergrad") <= 2) {
                    throw new ConfigException("unknown config key " + path + "; did you mean hypergrad." + rest
                            + "? (see: hypergrad config --describe)");
                }
            }
        }
        for (Key<?> k : KEYS) {
            k.get(c);
        }
        Config only = c.hasPath("hypergrad") ? c.withOnlyPath("hypergrad") : ConfigFactory.empty();
        return new RunConfig(only.root().render(ConfigRenderOptions.defaults().setOriginComments(false)), only);
    }

    /** Parses HOCON text. */
    public static RunConfig parse(String hocon) {
        try {
            return of(ConfigFactory.parseString(hocon));
        } catch (com.typesafe.config.ConfigException.Parse e) {
            throw new ConfigException("config does not parse: " + e.getMessage());
        }
    }

    /** The defaults. */
    public static RunConfig defaults() {
        return of(ConfigFactory.empty());
    }

    /** A copy with {@code path = value} overridden (value in HOCON syntax, e.g. {@code 0.5} or {@code "adam"}). */
    public RunConfig with(String path, String value) {
        Config override;
        try {
            override = ConfigFactory.parseString(path + " = " + value);
        } catch (com.typesafe.config.ConfigException e) {
            override = ConfigFactory.parseMap(Map.of(path, value));
        }
        return of(override.withFallback(config()));
    }

    /** The value of a key. */
    public <T> T get(Key<T> key) {
        return key.get(config());
    }

    /** Partitions actually used: {@link #PARTITIONS}, or one per task. */
    public int partitions() {
        int p = get(PARTITIONS);
        return p == 0 ? get(META_BATCH) : p;
    }

    /** The resolved HOCON (only the hypergrad keys that were set; defaults apply to the rest). */
    public String hocon() {
        return hocon;
    }

    /**
     * Every key with its value in force (set or default), rendered as HOCON: the run's full record, with
     * any credentials in its values redacted ({@link Redaction}).
     */
    public String resolvedHocon() {
        return render(k -> true);
    }

    /** Keys that say where data lives, how often to evaluate or checkpoint: not part of a run's identity. */
    private static final Set<Key<?>> INCIDENTAL = Set.of(DATA_DIR, EVAL_EVERY, EVAL_TASKS, TEST_TASKS, CHECKPOINT_EVERY, LOCK_LEASE, DATA_CACHE);

    /**
     * The run-defining keys with their values in force, one {@code key = value} line each: two configs
     * with the same identity produce the same λ, so a checkpoint written under one may resume the other.
     */
    public String identity() {
        return render(k -> !INCIDENTAL.contains(k));
    }

    /** The chosen keys with their values in force, one {@code key = value} line each, credentials redacted. */
    private String render(java.util.function.Predicate<Key<?>> chosen) {
        StringBuilder sb = new StringBuilder();
        for (Key<?> k : KEYS) {
            if (chosen.test(k)) {
                sb.append(k.path()).append(" = ").append(k.render(get(k))).append('\n');
            }
        }
        return sb.toString();
    }

    private Config config() {
        if (config == null) {
            config = ConfigFactory.parseString(hocon);
        }
        return config;
    }

    /** One line per key: path, type, default, allowed values, documentation. */
    public static String describe() {
        List<Key<?>> keys = new ArrayList<>(KEYS);
        keys.sort(Comparator.comparing(Key::path));
        StringBuilder sb = new StringBuilder();
        for (Key<?> k : keys) {
            sb.append(String.format("%-28s %-7s default %-14s %s — %s%n", k.path(), k.type().name().toLowerCase(),
                    String.valueOf(k.defaultValue()), k.allowed(), k.doc()));
        }
        return sb.toString();
    }

    static String suggestion(String path, Set<String> known) {
        String best = null;
        int bestD = Integer.MAX_VALUE;
        for (String k : known) {
            int d = levenshtein(path, k);
            if (d < bestD) {
                bestD = d;
                best = k;
            }
        }
        return best != null && bestD <= Math.max(3, path.length() / 4) ? "; did you mean " + best + "?" : "";
    }

    static int levenshtein(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int sub = prev[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
