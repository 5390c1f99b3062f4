package io.hypergrad.driver.ml;

import static org.apache.spark.sql.functions.col;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import io.hypergrad.common.config.ConfigException;
import io.hypergrad.common.config.ConfigFiles;
import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.problems.TableProblem;
import io.hypergrad.driver.api.Hypergrad;
import io.hypergrad.driver.model.SavedModel;
import io.hypergrad.driver.output.RunFolder;
import io.hypergrad.driver.round.RoundListener;
import io.hypergrad.workers.episode.ProblemCache;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.param.StringArrayParam;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * What {@link HypergradClassifier} and {@link HypergradRegressor} share: the Params of the columns and of
 * the tuning, how they become a run's config, and the fit itself — the notebook API's run
 * ({@link Hypergrad#table}) on the given rows, the same round loop as {@code hypergrad run}.
 *
 * <p><b>Which setting wins.</b> The run's config is built from, later winning: the Params' defaults, the
 * {@link #configFile()} when one is named, the Params set explicitly, then {@link #overrides()}. The
 * columns always come from the Params ({@code hypergrad.data.label}, {@code features}, {@code group}), and
 * {@code hypergrad.problem} is always {@code table}.
 *
 * <p><b>Group mode.</b> With {@link #groupCol()} set, each group of rows is a task (group mode, as
 * {@code hypergrad.data.group}): the fit meta-learns λ and φ, the start of the inner weights, over the
 * training groups, each adapting on {@link #shots()} of its rows and validated on {@link #queries()} others,
 * and the model adapts φ to each group of the DataFrame it transforms, on that group's labelled rows.
 *
 * @param <M> the model a fit returns
 * @param <S> the estimator itself (what its setters return)
 */
public abstract class HypergradEstimator<M extends HypergradModel<M>, S extends HypergradEstimator<M, S>> extends Estimator<M> implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;
    private static final AtomicInteger FITS = new AtomicInteger();

    private final String uid;
    private transient RoundListener listener = RoundListener.NONE;

    private final Param<String> featuresCol;
    private final Param<String> labelCol;
    private final Param<String> predictionCol;
    private final Param<String> groupCol;
    private final IntParam shots;
    private final IntParam queries;
    private final IntArrayParam hiddenLayers;
    private final Param<String> activation;
    private final DoubleParam learningRate;
    private final DoubleParam weightDecay;
    private final DoubleParam momentum;
    private final Param<String> learningRateScope;
    private final Param<String> weightDecayScope;
    private final Param<String> estimator;
    private final IntParam rounds;
    private final IntParam innerSteps;
    private final IntParam batchSize;
    private final IntParam metaBatch;
    private final DoubleParam outerLearningRate;
    private final LongParam seed;
    private final DoubleParam validationFraction;
    private final DoubleParam testFraction;
    private final BooleanParam standardize;
    private final Param<String> configFile;
    private final StringArrayParam overrides;
    private final Param<String> outputDir;

    protected HypergradEstimator(String uid) {
        this.uid = uid;
        List<String> scopes = List.of("constant", "global", "per-layer", "per-parameter");
        featuresCol = new Param<>(this, "featuresCol", "features column name: an ML Vector column, as VectorAssembler makes", Checks.column());
        labelCol = new Param<>(this, "labelCol", "label column name", Checks.column());
        predictionCol = new Param<>(this, "predictionCol", "prediction column name (empty: no prediction column)", Checks.optionalColumn());
        groupCol = new Param<>(this, "groupCol", "group column name: each group is a task, and the model adapts to each group on its labelled "
                + "rows (empty: no groups, every row is one training set)", Checks.optionalColumn());
        shots = new IntParam(this, "shots", "group mode: rows of a training group a task adapts on (its support set)", ParamValidators.gtEq(1));
        queries = new IntParam(this, "queries", "group mode: further rows of a training group a task is validated on (its query set)",
                ParamValidators.gtEq(1));
        hiddenLayers = new IntArrayParam(this, "hiddenLayers", "widths of the network's hidden dense layers (the output layer follows from the task)",
                Checks.positiveWidths());
        activation = new Param<>(this, "activation", "activation of the hidden layers: relu, tanh, sigmoid or gelu",
                Checks.oneOf(List.of("relu", "tanh", "sigmoid", "gelu")));
        learningRate = new DoubleParam(this, "learningRate", "the inner SGD learning rate (its initial value where it is tuned)",
                ParamValidators.gt(0));
        weightDecay = new DoubleParam(this, "weightDecay", "the inner weight decay (its initial value where it is tuned)", ParamValidators.gt(0));
        momentum = new DoubleParam(this, "momentum", "the inner SGD momentum (kept constant)", ParamValidators.inRange(0, 0.999));
        learningRateScope = new Param<>(this, "learningRateScope",
                "how the log learning rate is tuned: constant (not tuned), global, per-layer or per-parameter", Checks.oneOf(scopes));
        weightDecayScope = new Param<>(this, "weightDecayScope",
                "how the log weight decay is tuned: constant (not tuned), global, per-layer or per-parameter", Checks.oneOf(scopes));
        estimator = new Param<>(this, "estimator", "the hypergradient estimator, as hypergrad.estimator (e.g. hyperdistill:0.99, one-step, reverse, glocal)",
                Checks.of(e -> {
                    try {
                        RunConfig.defaults().with("hypergrad.estimator", com.typesafe.config.ConfigUtil.quoteString(e));
                        return true;
                    } catch (RuntimeException bad) {
                        return false;
                    }
                }));
        rounds = new IntParam(this, "rounds", "outer rounds (λ updates)", ParamValidators.gtEq(1));
        innerSteps = new IntParam(this, "innerSteps", "inner SGD steps per training run", ParamValidators.gtEq(1));
        batchSize = new IntParam(this, "batchSize", "rows per inner mini-batch", ParamValidators.gtEq(1));
        metaBatch = new IntParam(this, "metaBatch", "training runs (tasks) per round, run in parallel on the executors", ParamValidators.gtEq(1));
        outerLearningRate = new DoubleParam(this, "outerLearningRate", "the learning rate of λ's Adam", ParamValidators.gt(0));
        seed = new LongParam(this, "seed", "random seed (the split, the tasks, the initial weights)");
        validationFraction = new DoubleParam(this, "validationFraction", "share of the rows (of the groups, in group mode) held out as the validation objective",
                ParamValidators.inRange(0, 0.9, false, true));
        testFraction = new DoubleParam(this, "testFraction", "share of the rows (of the groups, in group mode) held out to test the initial against the tuned λ (summary)",
                ParamValidators.inRange(0, 0.9, false, true));
        standardize = new BooleanParam(this, "standardize", "standardise features (and regression targets) by the training rows' statistics");
        configFile = new Param<>(this, "configFile", "a HOCON config file (hypergrad { … }) read under the explicitly set Params (empty: none)",
                Checks.optionalColumn());
        overrides = new StringArrayParam(this, "overrides", "config lines applied last, e.g. \"hypergrad.inner.window = 20\"",
                Checks.of(lines -> {
                    try {
                        RunConfig.of(parseLines(lines).withFallback(ConfigFactory.parseString("hypergrad.problem = table")));
                        return true;
                    } catch (RuntimeException bad) {
                        return false;
                    }
                }));
        outputDir = new Param<>(this, "outputDir", "a folder (any Hadoop URI) under which each fit writes its run folder; "
                + "empty: a temporary folder, removed after the fit (on a cluster, name a folder every executor can read)", Checks.optionalColumn());
        setDefault(featuresCol, "features");
        setDefault(labelCol, "label");
        setDefault(predictionCol, "prediction");
        setDefault(groupCol, "");
        setDefault(shots, 10);
        setDefault(queries, 10);
        setDefault(hiddenLayers, new int[] {32});
        setDefault(activation, "relu");
        setDefault(learningRate, 0.05);
        setDefault(weightDecay, 1e-3);
        setDefault(momentum, 0.9);
        setDefault(learningRateScope, "per-layer");
        setDefault(weightDecayScope, "per-layer");
        setDefault(estimator, "hyperdistill:0.99");
        setDefault(rounds, 20);
        setDefault(innerSteps, 100);
        setDefault(batchSize, 32);
        setDefault(metaBatch, 4);
        setDefault(outerLearningRate, 0.05);
        setDefault(seed, 0L);
        setDefault(validationFraction, 0.2);
        setDefault(testFraction, 0.15);
        setDefault(standardize, true);
        setDefault(configFile, "");
        setDefault(overrides, new String[0]);
        setDefault(outputDir, "");
    }

    @Override
    public String uid() {
        return uid;
    }

    // ---- the Params (public accessors are how Spark ML finds them)

    public Param<String> featuresCol() { return featuresCol; }
    public Param<String> labelCol() { return labelCol; }
    public Param<String> predictionCol() { return predictionCol; }
    public Param<String> groupCol() { return groupCol; }
    public IntParam shots() { return shots; }
    public IntParam queries() { return queries; }
    public IntArrayParam hiddenLayers() { return hiddenLayers; }
    public Param<String> activation() { return activation; }
    public DoubleParam learningRate() { return learningRate; }
    public DoubleParam weightDecay() { return weightDecay; }
    public DoubleParam momentum() { return momentum; }
    public Param<String> learningRateScope() { return learningRateScope; }
    public Param<String> weightDecayScope() { return weightDecayScope; }
    public Param<String> estimator() { return estimator; }
    public IntParam rounds() { return rounds; }
    public IntParam innerSteps() { return innerSteps; }
    public IntParam batchSize() { return batchSize; }
    public IntParam metaBatch() { return metaBatch; }
    public DoubleParam outerLearningRate() { return outerLearningRate; }
    public LongParam seed() { return seed; }
    public DoubleParam validationFraction() { return validationFraction; }
    public DoubleParam testFraction() { return testFraction; }
    public BooleanParam standardize() { return standardize; }
    public Param<String> configFile() { return configFile; }
    public StringArrayParam overrides() { return overrides; }
    public Param<String> outputDir() { return outputDir; }

    // ---- getters and setters, Spark ML style (setters return this estimator)

    public String getFeaturesCol() { return getOrDefault(featuresCol); }
    public String getLabelCol() { return getOrDefault(labelCol); }
    public String getPredictionCol() { return getOrDefault(predictionCol); }
    public String getGroupCol() { return getOrDefault(groupCol); }
    public int[] getHiddenLayers() { return getOrDefault(hiddenLayers); }
    public String getEstimator() { return getOrDefault(estimator); }
    public int getRounds() { return (Integer) getOrDefault(rounds); }
    public long getSeed() { return (Long) getOrDefault(seed); }
    public String getOutputDir() { return getOrDefault(outputDir); }

    @SuppressWarnings("unchecked")
    protected S with(Param<?> p, Object value) {
        set((Param<Object>) p, value);
        return (S) this;
    }

    public S setFeaturesCol(String v) { return with(featuresCol, v); }
    public S setLabelCol(String v) { return with(labelCol, v); }
    public S setPredictionCol(String v) { return with(predictionCol, v); }
    public S setGroupCol(String v) { return with(groupCol, v); }
    public S setShots(int v) { return with(shots, v); }
    public S setQueries(int v) { return with(queries, v); }
    public S setHiddenLayers(int... v) { return with(hiddenLayers, v); }
    public S setActivation(String v) { return with(activation, v); }
    public S setLearningRate(double v) { return with(learningRate, v); }
    public S setWeightDecay(double v) { return with(weightDecay, v); }
    public S setMomentum(double v) { return with(momentum, v); }
    public S setLearningRateScope(String v) { return with(learningRateScope, v); }
    public S setWeightDecayScope(String v) { return with(weightDecayScope, v); }
    public S setEstimator(String v) { return with(estimator, v); }
    public S setRounds(int v) { return with(rounds, v); }
    public S setInnerSteps(int v) { return with(innerSteps, v); }
    public S setBatchSize(int v) { return with(batchSize, v); }
    public S setMetaBatch(int v) { return with(metaBatch, v); }
    public S setOuterLearningRate(double v) { return with(outerLearningRate, v); }
    public S setSeed(long v) { return with(seed, v); }
    public S setValidationFraction(double v) { return with(validationFraction, v); }
    public S setTestFraction(double v) { return with(testFraction, v); }
    public S setStandardize(boolean v) { return with(standardize, v); }
    public S setConfigFile(String v) { return with(configFile, v); }
    public S setOverrides(String... v) { return with(overrides, v); }
    public S setOutputDir(String v) { return with(outputDir, v); }

    /** Receives each round's metrics during {@link #fit} (not a Param: it is neither saved nor compared). */
    @SuppressWarnings("unchecked")
    public S setListener(RoundListener l) {
        this.listener = l == null ? RoundListener.NONE : l;
        return (S) this;
    }

    // ---- the fit

    /**
     * The run's config for rows of this schema (the columns are checked first), without a table yet.
     *
     * @param extra settings the task decides (the loss), applied over everything else
     */
    RunConfig config(StructType schema, Map<String, Object> extra) {
        Config defaults = ConfigFactory.parseMap(settings(false));
        Config explicit = ConfigFactory.parseMap(settings(true));
        Config file = ConfigFactory.empty();
        String path = getOrDefault(configFile);
        if (!path.isEmpty()) {
            File f = new File(path);
            if (!f.isFile()) {
                throw new ConfigException("configFile: no file " + path);
            }
            file = ConfigFiles.parse(f);
        }
        Map<String, Object> fixed = new LinkedHashMap<>(extra);
        fixed.put("hypergrad.problem", "table");
        fixed.put("hypergrad.data.label", getOrDefault(labelCol));
        fixed.put("hypergrad.data.features", List.of(getOrDefault(featuresCol)));
        fixed.put("hypergrad.data.group", getOrDefault(groupCol));
        Config all = ConfigFactory.parseMap(fixed).withFallback(parseLines(getOrDefault(overrides))).withFallback(explicit)
                .withFallback(file).withFallback(defaults);
        return RunConfig.of(all);
    }

    /** Whether the config file or the overrides name this key (then the estimator does not decide it). */
    boolean configured(String key) {
        if (parseLines(getOrDefault(overrides)).hasPath(key)) {
            return true;
        }
        String path = getOrDefault(configFile);
        return !path.isEmpty() && new File(path).isFile() && ConfigFiles.parse(new File(path)).hasPath(key);
    }

    /** The tuning Params as config keys: all of them, or only those set explicitly. */
    private Map<String, Object> settings(boolean onlySet) {
        Map<String, Object> m = new LinkedHashMap<>();
        if (!onlySet || isSet(hiddenLayers) || isSet(activation)) {
            List<Object> layers = new ArrayList<>();
            for (int w : getOrDefault(hiddenLayers)) {
                layers.add(Map.of("type", "dense", "out", w, "activation", getOrDefault(activation)));
            }
            layers.add(Map.of("type", "dense"));
            m.put("hypergrad.model.layers", layers);
        }
        put(m, onlySet, learningRate, "hypergrad.inner.lr");
        put(m, onlySet, weightDecay, "hypergrad.inner.weightDecay");
        put(m, onlySet, momentum, "hypergrad.inner.momentum");
        put(m, onlySet, learningRateScope, "hypergrad.hyper.learningRate");
        put(m, onlySet, weightDecayScope, "hypergrad.hyper.weightDecay");
        put(m, onlySet, estimator, "hypergrad.estimator");
        put(m, onlySet, rounds, "hypergrad.rounds");
        put(m, onlySet, shots, "hypergrad.task.shots");
        put(m, onlySet, queries, "hypergrad.task.queries");
        put(m, onlySet, innerSteps, "hypergrad.inner.steps");
        put(m, onlySet, batchSize, "hypergrad.inner.batchSize");
        put(m, onlySet, metaBatch, "hypergrad.metaBatch");
        put(m, onlySet, outerLearningRate, "hypergrad.outer.lr");
        put(m, onlySet, seed, "hypergrad.seed");
        put(m, onlySet, validationFraction, "hypergrad.data.split.validation");
        put(m, onlySet, testFraction, "hypergrad.data.split.test");
        put(m, onlySet, standardize, "hypergrad.data.standardize");
        if (!onlySet) {
            // the starter config's outer settings (docs/USER-GUIDE.md), which tune a small MLP well
            m.put("hypergrad.aggregator", "sum");
            m.put("hypergrad.outer.optimizer", "adam");
            m.put("hypergrad.outer.schedule", "constant");
        }
        return m;
    }

    private void put(Map<String, Object> m, boolean onlySet, Param<?> p, String key) {
        if (!onlySet || isSet(p)) {
            m.put(key, getOrDefault(p));
        }
    }

    private static Config parseLines(String[] lines) {
        try {
            return ConfigFactory.parseString(String.join("\n", lines));
        } catch (com.typesafe.config.ConfigException e) {
            throw new ConfigException("overrides do not parse: " + e.getMessage());
        }
    }

    /**
     * Runs the round loop on {@code rows} (its feature and label columns) under {@code c} and returns the
     * model: the run's saved network and its tuning. The run folder is a new {@code fit-…} folder under
     * {@link #outputDir()}, or a temporary folder removed afterwards.
     */
    protected M run(Dataset<?> dataset, RunConfig c) {
        String group = getOrDefault(groupCol);
        Dataset<Row> rows = group.isEmpty() ? dataset.select(col(getOrDefault(featuresCol)), col(getOrDefault(labelCol)))
                : dataset.select(col(getOrDefault(featuresCol)), col(getOrDefault(labelCol)), col(group));
        var spark = dataset.sparkSession();
        var hadoop = spark.sparkContext().hadoopConfiguration();
        String parent = getOrDefault(outputDir);
        boolean temporary = parent.isEmpty();
        String name = "fit-" + uid + "-" + System.currentTimeMillis() + "-" + FITS.incrementAndGet();
        String dir = temporary ? new File(System.getProperty("java.io.tmpdir"), "hypergrad-" + name).getPath() : new Path(parent, name).toString();
        try {
            Hypergrad.Result r = Hypergrad.on(spark).config(c).table(rows).output(dir)
                    .listener(listener == null ? RoundListener.NONE : listener).fit();
            SavedModel saved = SavedModel.read(new RunFolder(r.runFolder(), hadoop));
            TableProblem problem = (TableProblem) ProblemCache.get(r.config());
            Tuning tuning = Tuning.of(problem, r.lambda(), r.history(), r.summary());
            M model = newModel(uid, saved, tuning, temporary ? "" : r.runFolder());
            copyValues(model, ParamMap.empty());
            model.setParent(this);
            return model;
        } finally {
            if (temporary) {
                try {
                    Path p = new Path(dir);
                    p.getFileSystem(hadoop).delete(p, true);
                } catch (IOException e) {
                    // a temporary folder left behind is untidy, not wrong
                }
            }
        }
    }

    /** The model of a finished fit. */
    protected abstract M newModel(String uid, SavedModel saved, Tuning tuning, String runFolder);

    /** Checks the input columns (named, with the columns there are, when missing) and adds the output columns. */
    protected StructType validateAndTransformSchema(StructType schema, boolean fitting) {
        if (fitting) {
            SchemaChecks.requireNumeric(schema, getOrDefault(labelCol), "labelCol");
        }
        SchemaChecks.requireVector(schema, getOrDefault(featuresCol), "featuresCol");
        if (!getOrDefault(groupCol).isEmpty()) {
            SchemaChecks.require(schema, getOrDefault(groupCol), "groupCol");
        }
        return schema;
    }

    /** Spark's copy (same uid, the extra Params over this one's), keeping the listener. */
    @Override
    public S copy(ParamMap extra) {
        S copy = defaultCopy(extra);
        copy.setListener(listener);
        return copy;
    }
}
