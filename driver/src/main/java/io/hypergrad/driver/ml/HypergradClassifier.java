package io.hypergrad.driver.ml;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.hypergrad.common.config.ConfigException;
import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.data.DatasetException;
import io.hypergrad.common.nn.LossFunction;
import io.hypergrad.driver.model.SavedModel;
import java.util.Map;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML classifier whose hyperparameters are tuned by gradient while it trains: {@code fit} runs
 * hypergrad's round loop (the same as {@code hypergrad run}, {@code hypergrad.problem = table}) on the
 * DataFrame's {@code featuresCol} (an ML Vector) and {@code labelCol} (class indices 0, 1, …, k−1, as
 * {@code StringIndexer} makes), and returns a {@link HypergradClassificationModel}. The loss is binary
 * cross-entropy for two classes and softmax cross-entropy for more (a {@code hypergrad.model.loss} in the
 * config file or overrides decides instead, when it is a classification loss).
 *
 * <pre>{@code
 * HypergradClassifier hc = new HypergradClassifier().setHiddenLayers(16).setRounds(10).setSeed(3);
 * Pipeline p = new Pipeline().setStages(new PipelineStage[] {indexer, assembler, hc});
 * PipelineModel m = p.fit(train);
 * m.transform(test);   // + rawPrediction, probability, prediction
 * }</pre>
 */
public final class HypergradClassifier extends HypergradEstimator<HypergradClassificationModel, HypergradClassifier> {
    private static final long serialVersionUID = 1L;

    private final Param<String> probabilityCol;
    private final Param<String> rawPredictionCol;

    public HypergradClassifier() {
        this(Identifiable.randomUID("hypergradClassifier"));
    }

    public HypergradClassifier(String uid) {
        super(uid);
        probabilityCol = ClassifierColumns.probabilityParam(this);
        rawPredictionCol = ClassifierColumns.rawPredictionParam(this);
        setDefault(probabilityCol, "probability");
        setDefault(rawPredictionCol, "rawPrediction");
    }

    public Param<String> probabilityCol() { return probabilityCol; }
    public Param<String> rawPredictionCol() { return rawPredictionCol; }
    public String getProbabilityCol() { return getOrDefault(probabilityCol); }
    public String getRawPredictionCol() { return getOrDefault(rawPredictionCol); }
    public HypergradClassifier setProbabilityCol(String v) { return with(probabilityCol, v); }
    public HypergradClassifier setRawPredictionCol(String v) { return with(rawPredictionCol, v); }

    @Override
    public StructType transformSchema(StructType schema) {
        validateAndTransformSchema(schema, true);
        return new ClassifierColumns(getRawPredictionCol(), getProbabilityCol(), getPredictionCol()).schema(schema);
    }

    @Override
    public HypergradClassificationModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        int classes = classes(dataset);
        String loss = classes == 2 ? "binary_cross_entropy" : "softmax_cross_entropy";
        Map<String, Object> decided = configured("hypergrad.model.loss") ? Map.of() : Map.of("hypergrad.model.loss", loss);
        RunConfig c = config(dataset.schema(), decided);
        if (!LossFunction.parse(c.get(RunConfig.MODEL_LOSS)).classification()) {
            throw new ConfigException("hypergrad.model.loss = " + c.get(RunConfig.MODEL_LOSS) + " is a regression loss; HypergradClassifier needs "
                    + "softmax_cross_entropy or binary_cross_entropy (or use HypergradRegressor)");
        }
        return run(dataset, c);
    }

    /**
     * The number of classes, checked to be Spark ML's class indices: whole numbers 0, 1, …, k−1, each
     * present (one Spark job).
     */
    private int classes(Dataset<?> dataset) {
        String label = getLabelCol();
        Row r = dataset.agg(min(col(label)), max(col(label)), countDistinct(col(label)),
                sum(when(col(label).notEqual(floor(col(label))), 1).otherwise(0))).first();
        if (r.isNullAt(0)) {
            throw new DatasetException("labelCol = '" + label + "': no labels (the DataFrame is empty or the column all null)");
        }
        double lo = ((Number) r.get(0)).doubleValue();
        double hi = ((Number) r.get(1)).doubleValue();
        long distinct = r.getLong(2);
        long fractional = r.isNullAt(3) ? 0 : ((Number) r.get(3)).longValue();
        if (fractional > 0 || lo != 0 || hi != distinct - 1 || distinct < 2) {
            throw new DatasetException("labelCol = '" + label + "' must hold class indices 0, 1, …, k−1 (k ≥ 2, each present), as StringIndexer makes; "
                    + "found " + distinct + " distinct value(s) from " + lo + " to " + hi + (fractional > 0 ? ", " + fractional + " not whole" : ""));
        }
        return (int) distinct;
    }

    @Override
    protected HypergradClassificationModel newModel(String uid, SavedModel saved, Tuning tuning, String runFolder) {
        return new HypergradClassificationModel(uid, saved, tuning, runFolder);
    }

    public static MLReader<HypergradClassifier> read() {
        return new DefaultParamsReader<>();
    }

    public static HypergradClassifier load(String path) {
        return read().load(path);
    }
}
