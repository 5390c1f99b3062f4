package io.hypergrad.driver.ml;

import io.hypergrad.common.data.DatasetException;
import io.hypergrad.common.data.FeatureColumn;
import io.hypergrad.driver.model.BatchScorer;
import io.hypergrad.driver.model.GroupScorer;
import io.hypergrad.driver.model.SavedModel;
import io.hypergrad.driver.output.RunFolder;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Model;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * What {@link HypergradClassificationModel} and {@link HypergradRegressionModel} share: the tuned network
 * ({@link SavedModel}, as {@code hypergrad predict} reads it), what was tuned ({@link Tuning}), the column
 * Params, scoring on the executors ({@link BatchScorer}), and persistence: {@code write().save(path)}
 * writes Spark ML's {@code metadata/} (the Params), {@code model/network.json} and {@code tuning.json};
 * loading gives back the same bits.
 *
 * <p>A model fitted with a {@code groupCol} (group mode) holds φ, the meta-learned start of the inner
 * weights, with λ and the inner training's settings: {@code transform} adapts φ to each group of its input
 * on that group's rows whose {@code labelCol} is not null, on the executors, and predicts all of the
 * group's rows ({@link GroupScorer}); the input then needs the group and label columns, and its rows come
 * back grouped.
 *
 * @param <M> the model itself
 */
public abstract class HypergradModel<M extends HypergradModel<M>> extends Model<M> implements MLWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final SavedModel network;
    private final Tuning tuning;
    private final String runFolder;
    private final Param<String> featuresCol;
    private final Param<String> labelCol;
    private final Param<String> predictionCol;
    private final Param<String> groupCol;

    protected HypergradModel(String uid, SavedModel network, Tuning tuning, String runFolder) {
        this.uid = uid;
        this.network = network;
        this.tuning = tuning;
        this.runFolder = runFolder;
        featuresCol = new Param<>(this, "featuresCol", "features column name: an ML Vector column, as VectorAssembler makes", Checks.column());
        labelCol = new Param<>(this, "labelCol", "label column name (read by transform in group mode only: the labelled rows a group adapts on)",
                Checks.column());
        predictionCol = new Param<>(this, "predictionCol", "prediction column name (empty: no prediction column)", Checks.optionalColumn());
        groupCol = new Param<>(this, "groupCol", "group column name (group mode: each group adapts on its labelled rows; empty: the fit's "
                + "group column, if any)", Checks.optionalColumn());
        setDefault(groupCol, "");
        setDefault(featuresCol, "features");
        setDefault(labelCol, "label");
        setDefault(predictionCol, "prediction");
    }

    @Override
    public String uid() {
        return uid;
    }

    public Param<String> featuresCol() { return featuresCol; }
    public Param<String> labelCol() { return labelCol; }
    public Param<String> predictionCol() { return predictionCol; }
    public Param<String> groupCol() { return groupCol; }

    public String getFeaturesCol() { return getOrDefault(featuresCol); }
    public String getPredictionCol() { return getOrDefault(predictionCol); }
    public String getLabelCol() { return getOrDefault(labelCol); }

    /** The column whose values name the groups: the Param, or the fit's group column when it is empty; empty in HPO mode. */
    public String getGroupCol() {
        String g = getOrDefault(groupCol);
        return g.isEmpty() && network.groupMode() ? network.adaptation().group() : g;
    }

    /** Whether this model adapts to each group before predicting it (fitted with a group column). */
    public boolean groupMode() {
        return network.groupMode();
    }

    @SuppressWarnings("unchecked")
    protected M with(Param<?> p, Object value) {
        set((Param<Object>) p, value);
        return (M) this;
    }

    public M setFeaturesCol(String v) { return with(featuresCol, v); }
    public M setPredictionCol(String v) { return with(predictionCol, v); }
    public M setLabelCol(String v) { return with(labelCol, v); }
    public M setGroupCol(String v) { return with(groupCol, v); }

    /** The tuned network as {@code hypergrad predict} reads it. */
    public SavedModel network() {
        return network;
    }

    /** What the fit tuned: λ by name, its fingerprint, the history and the summary. */
    public Tuning tuning() {
        return tuning;
    }

    /** The names of the tuned λ entries, in order. */
    public List<String> lambdaNames() {
        return tuning.lambdaNames();
    }

    /** The tuned λ. */
    public double[] lambda() {
        return tuning.lambda();
    }

    /** The fingerprint of the tuned λ (as {@code summary.json}'s). */
    public String lambdaSha256() {
        return tuning.lambdaSha256();
    }

    /** One metrics map per round. */
    public List<Map<String, Object>> history() {
        return tuning.history();
    }

    /** The run's summary, with the test of the initial against the tuned λ under {@code test}. */
    public Map<String, Object> summary() {
        return tuning.summary();
    }

    /** The fit's run folder, or empty when it ran in a temporary one. */
    public String runFolder() {
        return runFolder;
    }

    /** The columns this model appends to a row: scored from the network's outputs. */
    protected abstract BatchScorer.Output output();

    /** The input checked, with the output columns this model appends. */
    @Override
    public StructType transformSchema(StructType schema) {
        SchemaChecks.requireVector(schema, getFeaturesCol(), "featuresCol");
        if (groupMode()) {
            SchemaChecks.require(schema, getGroupCol(), "groupCol");
            SchemaChecks.require(schema, getLabelCol(), "labelCol");
        }
        return output().schema(schema);
    }

    /**
     * Scores each row on the executors, a chunk per forward pass; nothing is collected. In group mode each
     * group is first adapted on its labelled rows.
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        SavedModel n = reading(getFeaturesCol());
        if (groupMode()) {
            return GroupScorer.score(dataset.sparkSession(), n, dataset.toDF(), output(), getGroupCol(), getLabelCol());
        }
        return BatchScorer.score(dataset.sparkSession(), n, dataset.toDF(), output());
    }

    /** The network reading its features from {@code column} (the Param may name another column than the fit's). */
    private SavedModel reading(String column) {
        FeatureColumn fit = network.features().get(0);
        if (fit.name().equals(column)) {
            return network;
        }
        return network.withFeatures(List.of(new FeatureColumn(column, fit.kind(), fit.width())));
    }

    /** A copy with the same network and tuning, this model's Params and then {@code extra}, and the same parent. */
    protected M copied(M fresh, org.apache.spark.ml.param.ParamMap extra) {
        M copy = copyValues(fresh, extra);
        copy.setParent(parent());
        return copy;
    }

    @Override
    public MLWriter write() {
        return new Writer(this);
    }

    /** Saves the Params (Spark ML's metadata), the network and the tuning under one folder. */
    private static final class Writer extends MLWriter {
        private final HypergradModel<?> model;

        Writer(HypergradModel<?> model) {
            this.model = model;
        }

        @Override
        public void saveImpl(String path) {
            DefaultParamsWriter.saveMetadata(model, path, sc(), scala.Option.empty(), scala.Option.empty());
            RunFolder folder = new RunFolder(path, sc().hadoopConfiguration());
            model.network.save(folder);
            folder.writeAtomically(Tuning.FILE, model.tuning.toJson());
        }
    }

    /** How a reader makes the model it loads. */
    interface Factory<M> extends java.io.Serializable {
        M create(String uid, SavedModel network, Tuning tuning, String runFolder);
    }

    /** Loads what {@link Writer} saved: the same network and tuning, the Params set as they were. */
    static final class Reader<M extends HypergradModel<M>> extends MLReader<M> {
        private final Class<M> type;
        private final Factory<M> factory;

        Reader(Class<M> type, Factory<M> factory) {
            this.type = type;
            this.factory = factory;
        }

        @Override
        public M load(String path) {
            DefaultParamsReader.Metadata metadata = DefaultParamsReader.loadMetadata(path, sc(), type.getName());
            RunFolder folder = RunFolder.existing(path, sc().hadoopConfiguration())
                    .orElseThrow(() -> new DatasetException(path + ": no saved model"));
            if (!folder.exists(Tuning.FILE)) {
                throw new DatasetException(folder.pathOf(Tuning.FILE) + ": missing; not a saved " + type.getSimpleName());
            }
            M model = factory.create(metadata.uid(), SavedModel.read(folder), Tuning.fromJson(folder.read(Tuning.FILE), folder.pathOf(Tuning.FILE)), "");
            metadata.getAndSetParams(model, scala.Option.empty());
            return model;
        }
    }

    /** Saves to {@code path}, refusing an existing one unless overwritten ({@code write().overwrite().save(path)}). */
    @Override
    public void save(String path) throws IOException {
        write().save(path);
    }
}
