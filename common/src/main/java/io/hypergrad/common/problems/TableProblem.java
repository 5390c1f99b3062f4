package io.hypergrad.common.problems;

import io.hypergrad.common.autodiff.Tape;
import io.hypergrad.common.autodiff.Var;
import io.hypergrad.common.config.ConfigException;
import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.data.DatasetException;
import io.hypergrad.common.data.Table;
import io.hypergrad.common.inner.HyperHook;
import io.hypergrad.common.inner.InnerOptimizer;
import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.inner.Loss;
import io.hypergrad.common.inner.Objective;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.LossFunction;
import io.hypergrad.common.nn.Model;
import io.hypergrad.common.nn.NetworkSchema;
import io.hypergrad.common.nn.ParamLayout;
import io.hypergrad.common.nn.Role;
import io.hypergrad.common.random.CounterRng;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A user's own problem: a prepared {@link Table}, the network of {@code hypergrad.model.layers} and the
 * hyperparameters {@code hypergrad.hyper.*} name (λ layers, per-layer or per-parameter log learning rates,
 * weight decays and momenta, a weighting network of per-example weights).
 *
 * <p>HPO mode (no group column): a task is one training run of T steps from φ on mini-batches drawn from
 * the training rows by counters (seed, split, round, task, step), validated on a seeded sample of the
 * validation rows; φ stays fixed, so every task trains from the same start. Group mode: a task is a
 * group of the part's groups; its first {@code task.shots} rows (in a seeded order) are the support set it
 * trains on, the next {@code task.queries} the query set it is validated on; φ is meta-learned by Reptile.
 * Either way a task is a pure function of (seed, split, round, index).
 */
public final class TableProblem implements MetaProblem, FinalTest {
    private static final long VAL_STREAM = 0x7A11;
    private static final long GROUP_STREAM = 0x6B0B;

    private final Table table;
    private final NetworkSchema schema;
    private final LossFunction loss;
    private final Model trainModel;
    private final Model evalModel;
    private final Model weighting;
    private final InnerTraining training;
    private final ParamLayout layout;
    private final int outputs;
    private final int steps;
    private final int batchSize;
    private final int valRows;
    private final int shots;
    private final int queries;
    private final double targetMean;
    private final double targetScale;
    private final Map<Table.Part, int[][]> groupRows = new HashMap<>();
    private final Map<Table.Part, Integer> skippedGroups = new HashMap<>();

    /** The problem of a config over its prepared table. */
    public TableProblem(RunConfig c, Table table) {
        this.table = table;
        this.loss = LossFunction.parse(c.get(RunConfig.MODEL_LOSS));
        if (table.classification() != loss.classification()) {
            throw new ConfigException("hypergrad.model.loss = " + c.get(RunConfig.MODEL_LOSS) + " is a "
                    + (loss.classification() ? "classification" : "regression") + " loss but the table was prepared for "
                    + (table.classification() ? "classification" : "regression"));
        }
        if (loss == LossFunction.BINARY_CROSS_ENTROPY && table.classes().size() != 2) {
            throw new DatasetException("hypergrad.model.loss = binary_cross_entropy needs two classes; label column "
                    + c.get(RunConfig.DATA_LABEL) + " has " + table.classes().size() + " (" + preview(table.classes())
                    + "): use softmax_cross_entropy");
        }
        this.outputs = loss.outputs(table.classification() ? table.classes().size() : 1);
        List<Map<String, Object>> layers = c.get(RunConfig.MODEL_LAYERS);
        this.schema = NetworkSchema.parse(layers.isEmpty() ? defaultLayers(c.get(RunConfig.MODEL_WIDTH), c.get(RunConfig.MODEL_DEPTH))
                : layers, "hypergrad.model.layers");
        try {
            this.trainModel = schema.build(table.featureShape(), outputs, true);
            this.evalModel = schema.build(table.featureShape(), outputs, false);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(e.getMessage());
        }
        double[] ts = targetScaling(table, c.get(RunConfig.DATA_STANDARDIZE));
        this.targetMean = ts[0];
        this.targetScale = ts[1];
        this.training = InnerTraining.of(c, schema, table.featureShape(), outputs);
        this.weighting = training.weighting();
        this.layout = InnerTraining.layout(trainModel, weighting);
        this.steps = training.steps();
        this.batchSize = training.batchSize();
        this.valRows = c.get(RunConfig.TASK_VAL_ROWS);
        this.shots = c.get(RunConfig.TASK_SHOTS);
        this.queries = c.get(RunConfig.TASK_QUERIES);
        if (training.lr() <= 0 && InnerTraining.scope(training.lrScope()) != HyperHook.Scope.CONSTANT) {
            throw new ConfigException("hypergrad.inner.lr = 0 cannot be tuned as a log learning rate (hypergrad.hyper.learningRate = "
                    + c.get(RunConfig.HYPER_LR) + "): start from a positive value");
        }
        if (training.weightDecay() <= 0 && InnerTraining.scope(training.weightDecayScope()) != HyperHook.Scope.CONSTANT) {
            throw new ConfigException("hypergrad.inner.weightDecay = 0 cannot be tuned as a log weight decay (hypergrad.hyper.weightDecay = "
                    + c.get(RunConfig.HYPER_WD) + "): start from a positive value, e.g. 1e-4, or set hypergrad.hyper.weightDecay = constant");
        }
        if (training.momentum() <= 0 && InnerTraining.scope(training.momentumScope()) != HyperHook.Scope.CONSTANT) {
            throw new ConfigException("hypergrad.inner.momentum = 0 cannot be tuned through a sigmoid (hypergrad.hyper.momentum = "
                    + c.get(RunConfig.HYPER_MOMENTUM) + "): start from a value in (0, 1)");
        }
        if (layout.size(Role.HYPER) == 0 && newOptimizer().hyperSize() == 0) {
            throw new ConfigException("nothing to tune: no layer of hypergrad.model.layers has role = hyper, hypergrad.hyper.learningRate, "
                    + "weightDecay and momentum are constant and hypergrad.hyper.exampleWeights = 0");
        }
        if (table.groups() != null) {
            for (Table.Part p : Table.Part.values()) {
                groupRows.put(p, groupsOf(p, c.get(RunConfig.SEED)));
            }
        } else if (table.rows(Table.Part.TRAIN).length == 0 || table.rows(Table.Part.VALIDATION).length == 0) {
            throw new DatasetException("the table's training or validation part is empty (" + table.rows(Table.Part.TRAIN).length
                    + " training, " + table.rows(Table.Part.VALIDATION).length + " validation rows of " + table.rows()
                    + "): raise hypergrad.data.split.validation or use a larger table");
        }
    }

    /**
     * Regression targets are trained standardised (mean 0, s.d. 1 over the training rows), as the features
     * are: a target in the hundreds would otherwise set the loss's scale, and with it which learning rates
     * are stable, by its units. Metrics and predictions are reported back in the target's own units.
     */
    private static double[] targetScaling(Table table, boolean standardize) {
        if (table.classification() || !standardize) {
            return new double[] {0, 1};
        }
        int[] rows = table.rows(Table.Part.TRAIN);
        if (rows.length == 0) {
            rows = java.util.stream.IntStream.range(0, table.rows()).toArray();
        }
        double mean = 0;
        for (int r : rows) {
            mean += table.targets()[r] / rows.length;
        }
        double var = 0;
        for (int r : rows) {
            double d = table.targets()[r] - mean;
            var += d * d / rows.length;
        }
        return new double[] {mean, var > 0 ? Math.sqrt(var) : 1};
    }

    /** The regression target's training mean and s.d. (0 and 1 for classifiers or without standardisation). */
    public double[] targetScaling() {
        return new double[] {targetMean, targetScale};
    }

    private static List<Map<String, Object>> defaultLayers(int width, int depth) {
        List<Map<String, Object>> layers = new ArrayList<>();
        for (int i = 0; i < depth; i++) {
            layers.add(Map.of("type", "dense", "out", width, "activation", "relu"));
        }
        layers.add(Map.of("type", "dense"));
        return layers;
    }

    /**
     * The part's groups with enough rows for a support and a query set, each as its row indices in a
     * seeded order; groups that are too small are left out and counted.
     */
    private int[][] groupsOf(Table.Part part, long seed) {
        Map<Integer, List<Integer>> byGroup = new java.util.TreeMap<>();
        int[] groups = table.groups();
        for (int r : table.rows(part)) {
            byGroup.computeIfAbsent(groups[r], k -> new ArrayList<>()).add(r);
        }
        List<int[]> kept = new ArrayList<>();
        int skipped = 0;
        for (Map.Entry<Integer, List<Integer>> e : byGroup.entrySet()) {
            List<Integer> rows = e.getValue();
            if (rows.size() < shots + queries) {
                skipped++;
                continue;
            }
            int[] order = CounterRng.of(seed, GROUP_STREAM, e.getKey()).permutation(rows.size());
            int[] r = new int[rows.size()];
            for (int i = 0; i < r.length; i++) {
                r[i] = rows.get(order[i]);
            }
            kept.add(r);
        }
        skippedGroups.put(part, skipped);
        if (kept.isEmpty() && part != Table.Part.VALIDATION || part == Table.Part.TRAIN && kept.size() < 2) {
            throw new DatasetException("group mode: " + kept.size() + " " + part.name().toLowerCase(Locale.ROOT) + " group(s) have at least "
                    + (shots + queries) + " rows (hypergrad.task.shots " + shots + " + hypergrad.task.queries " + queries + "); "
                    + skipped + " smaller group(s) skipped: lower shots/queries or use larger groups");
        }
        return kept.toArray(new int[0][]);
    }

    /** Groups of each part left out for having fewer rows than support + query (0 in HPO mode). */
    public Map<String, Integer> skippedGroups() {
        Map<String, Integer> m = new java.util.LinkedHashMap<>();
        skippedGroups.forEach((p, n) -> m.put(p.name().toLowerCase(Locale.ROOT), n));
        return m;
    }

    /** The prepared table. */
    public Table table() {
        return table;
    }

    /** The parsed network. */
    public NetworkSchema schema() {
        return schema;
    }

    /** The loss. */
    public LossFunction lossFunction() {
        return loss;
    }

    /** How many of λ's entries are the network's own λ layers: the first ones, before the weighting network's and the optimiser's. */
    public int networkLambdaSize() {
        return evalModel.layout().size(Role.HYPER);
    }

    /** The network's output width. */
    public int outputs() {
        return outputs;
    }

    /** Whether tasks are groups (meta-learning) rather than training runs on resamples of the rows (HPO). */
    public boolean groupMode() {
        return table.groups() != null;
    }

    @Override
    public String name() {
        return "table";
    }

    @Override
    public ParamLayout layout() {
        return layout;
    }

    @Override
    public Objective trainObjective() {
        return training.objective(trainModel, weighting);
    }

    @Override
    public Objective valObjective() {
        return (tape, p, batch) -> loss.mean(evalModel.forward(tape, p, batch), batch);
    }

    @Override
    public InnerOptimizer newOptimizer() {
        return training.optimizer(layout);
    }

    /** How this problem trains its network, as a saved group-mode model adapts it to a new group. */
    public InnerTraining training() {
        return training;
    }

    @Override
    public int innerSteps() {
        return steps;
    }

    @Override
    public double[] initialLambda(long seed) {
        double[] modelPart = layout.initialise(Role.HYPER, CounterRng.of(seed, 0x1A4B));
        InnerOptimizer o = newOptimizer();
        double[] lambda = java.util.Arrays.copyOf(modelPart, modelPart.length + o.hyperSize());
        o.initialiseHyper(lambda, modelPart.length);
        return lambda;
    }

    @Override
    public double[] initialPhi(long seed) {
        return layout.initialise(Role.INNER, CounterRng.of(seed, 0xF1));
    }

    @Override
    public boolean learnsInitialisation() {
        return groupMode();
    }

    @Override
    public Task task(long seed, Split split, int round, int index) {
        return groupMode() ? groupTask(seed, split, round, index) : rowTask(seed, split, round, index);
    }

    private static Table.Part partOf(Split split) {
        return switch (split) {
            case META_TRAIN -> Table.Part.TRAIN;
            case META_VAL -> Table.Part.VALIDATION;
            case META_TEST -> Table.Part.TEST;
        };
    }

    /**
     * HPO mode: D_t drawn from the training rows; validated on a sample of the validation rows (meta-train,
     * meta-validation) or on every test row (meta-test).
     */
    private Task rowTask(long seed, Split split, int round, int index) {
        int[] train = table.rows(Table.Part.TRAIN);
        int[] valPart = table.rows(split == Split.META_TEST ? Table.Part.TEST : Table.Part.VALIDATION);
        int[] val = split == Split.META_TEST || valRows == 0 || valRows >= valPart.length ? valPart
                : pick(valPart, CounterRng.of(seed, split.key(), VAL_STREAM, round, index).sample(valPart.length, valRows));
        Batch valBatch = batch(val);
        int k = Math.min(batchSize, train.length);
        return new Task() {
            @Override
            public Batch trainBatch(int step) {
                return batch(pick(train, CounterRng.of(seed, split.key(), round, index, step).sample(train.length, k)));
            }

            @Override
            public Batch valBatch() {
                return valBatch;
            }
        };
    }

    /** Group mode: the support set (at most a batch of it per step) and the query set of one group. */
    private Task groupTask(long seed, Split split, int round, int index) {
        int[][] groups = groupRows.get(partOf(split));
        if (groups.length == 0) {
            groups = groupRows.get(Table.Part.TRAIN);
        }
        int g = split == Split.META_TRAIN ? CounterRng.of(seed, split.key(), GROUP_STREAM, round, index).nextInt(groups.length)
                : index % groups.length;
        int[] rows = groups[g];
        int[] support = java.util.Arrays.copyOfRange(rows, 0, shots);
        Batch query = batch(java.util.Arrays.copyOfRange(rows, shots, shots + queries));
        Batch supportBatch = batch(support);
        int k = Math.min(batchSize, support.length);
        return new Task() {
            @Override
            public Batch trainBatch(int step) {
                return k == support.length ? supportBatch
                        : batch(pick(support, CounterRng.of(seed, split.key(), round, index, step).sample(support.length, k)));
            }

            @Override
            public Batch valBatch() {
                return query;
            }
        };
    }

    /** The groups an evaluation split can draw (a meta-test over all of them takes this many tasks). */
    public int groupCount(Split split) {
        return groupMode() ? groupRows.get(partOf(split)).length : 0;
    }

    private static int[] pick(int[] rows, int[] idx) {
        int[] out = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            out[i] = rows[idx[i]];
        }
        return out;
    }

    /** The given rows as a batch: standardised features, class ids or targets. */
    public Batch batch(int[] rows) {
        int f = table.featureSize();
        double[] x = new double[rows.length * f];
        for (int i = 0; i < rows.length; i++) {
            table.copyFeatures(rows[i], x, i * f);
        }
        int[] labels = null;
        double[] targets = null;
        if (table.classification()) {
            labels = new int[rows.length];
            for (int i = 0; i < rows.length; i++) {
                labels[i] = table.labels()[rows[i]];
            }
        } else {
            targets = new double[rows.length];
            for (int i = 0; i < rows.length; i++) {
                targets[i] = (table.targets()[rows[i]] - targetMean) / targetScale;
            }
        }
        return new Batch(x, table.featureShape(), labels, targets);
    }

    @Override
    public Evaluation evaluate(double[] w, double[] lambdaModel, Batch batch) {
        Tape tape = new Tape();
        Var out = evalModel.forward(tape, layout.bind(tape, w, null, lambdaModel), batch);
        double l = loss.mean(out, batch).item();
        return new Evaluation(l, table.classification() ? Metrics.accuracy(loss, out.v, outputs, batch.labels()) : Double.NaN);
    }

    /** The network's outputs (logits or predicted values) on a batch, in evaluation mode (no dropout). */
    public double[] outputs(double[] w, double[] lambdaModel, Batch batch) {
        Tape tape = new Tape();
        return evalModel.forward(tape, layout.bind(tape, w, null, lambdaModel), batch).v.clone();
    }

    /**
     * HPO mode: trains the network from φ under λ for T steps on mini-batches of the training rows (the
     * meta-test task's stream) and scores every test row. Group mode: adapts on each test group's support
     * rows and scores its query rows, pooling the predictions of all test groups.
     */
    @Override
    public TestResult test(double[] lambda, double[] phi, long seed, java.util.function.IntConsumer progress) {
        InnerOptimizer opt = newOptimizer();
        Loss train = new Loss(layout, trainObjective());
        double[] lm = java.util.Arrays.copyOf(lambda, layout.size(Role.HYPER));
        int tasks = groupMode() ? groupCount(Split.META_TEST) : 1;
        List<double[]> outs = new ArrayList<>();
        List<Batch> batches = new ArrayList<>();
        double[] lastW = null;
        for (int k = 0; k < tasks; k++) {
            Task t = task(seed, Split.META_TEST, 0, k);
            InnerState z = opt.init(phi);
            for (int step = 1; step <= steps; step++) {
                z = opt.update(z, lambda, t.trainBatch(step), train);
            }
            outs.add(outputs(z.w, lm, t.valBatch()));
            batches.add(t.valBatch());
            lastW = z.w;
            progress.accept(k + 1);
        }
        Batch all = batches.get(0);
        double[] out = outs.get(0);
        for (int k = 1; k < tasks; k++) {
            all = Batch.concat(all, batches.get(k));
            double[] o = java.util.Arrays.copyOf(out, out.length + outs.get(k).length);
            System.arraycopy(outs.get(k), 0, o, out.length, outs.get(k).length);
            out = o;
        }
        if (!table.classification()) {
            // Back to the target's own units for the metrics and the plots.
            double[] t = all.targets().clone();
            for (int i = 0; i < t.length; i++) {
                t[i] = t[i] * targetScale + targetMean;
                out[i] = out[i] * targetScale + targetMean;
            }
            all = new Batch(all.x(), all.featureShape(), null, t);
        }
        return new TestResult(Metrics.of(loss, out, outputs, all), lastW, out, all, tasks);
    }

    @Override
    public int testTasks() {
        return groupMode() ? groupCount(Split.META_TEST) : 1;
    }

    @Override
    public LearnedNetwork learnedNetwork(double[] lambda, double[] w, long seed) {
        LearnedNetwork.Output output = switch (loss) {
            case SOFTMAX_CROSS_ENTROPY -> LearnedNetwork.Output.SOFTMAX_CLASSES;
            case BINARY_CROSS_ENTROPY -> LearnedNetwork.Output.SIGMOID_BINARY;
            default -> LearnedNetwork.Output.REGRESSION;
        };
        // The network as trained: it reads standardised features (and predicts standardised targets), as
        // model/network.json records them for predict.
        // λ holds the network's λ layers, then the weighting network's (when there is one), then the optimiser's
        // hyperparameters; the exported network is the first without the second, so the optimiser's entries
        // must follow the network's directly.
        int networkHyper = networkLambdaSize();
        int allHyper = layout.size(Role.HYPER);
        double[] exported = lambda;
        if (allHyper > networkHyper) {
            exported = new double[lambda.length - (allHyper - networkHyper)];
            System.arraycopy(lambda, 0, exported, 0, networkHyper);
            System.arraycopy(lambda, allHyper, exported, networkHyper, lambda.length - allHyper);
        }
        return LearnedNetwork.trainedWith("table: the configured network with the tuned λ (inputs standardised with the training rows' "
                        + "statistics" + (table.classification() ? "" : "; outputs standardised targets") + ")", evalModel, output, newOptimizer(),
                exported, w, task(seed, Split.META_TEST, 0, 0).trainBatch(1));
    }

    private static String preview(List<String> values) {
        return values.size() <= 5 ? String.join(", ", values) : String.join(", ", values.subList(0, 5)) + ", …";
    }
}
