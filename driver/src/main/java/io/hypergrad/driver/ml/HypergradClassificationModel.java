package io.hypergrad.driver.ml;

import io.hypergrad.driver.model.BatchScorer;
import io.hypergrad.driver.model.SavedModel;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;

/**
 * The classifier a {@link HypergradClassifier} fit returns: {@code transform} appends
 * {@code rawPrediction}, {@code probability} (ML Vectors) and {@code prediction} (the class index as a
 * double), Spark ML's columns, so {@code MulticlassClassificationEvaluator} and
 * {@code BinaryClassificationEvaluator} read them. Saved with {@code write().save(path)}, loaded with
 * {@link #load(String)}.
 */
public final class HypergradClassificationModel extends HypergradModel<HypergradClassificationModel> {
    private static final long serialVersionUID = 1L;

    private final Param<String> probabilityCol;
    private final Param<String> rawPredictionCol;

    HypergradClassificationModel(String uid, SavedModel network, Tuning tuning, String runFolder) {
        super(uid, network, tuning, runFolder);
        probabilityCol = ClassifierColumns.probabilityParam(this);
        rawPredictionCol = ClassifierColumns.rawPredictionParam(this);
        setDefault(probabilityCol, "probability");
        setDefault(rawPredictionCol, "rawPrediction");
    }

    public Param<String> probabilityCol() { return probabilityCol; }
    public Param<String> rawPredictionCol() { return rawPredictionCol; }
    public String getProbabilityCol() { return getOrDefault(probabilityCol); }
    public String getRawPredictionCol() { return getOrDefault(rawPredictionCol); }
    public HypergradClassificationModel setProbabilityCol(String v) { return with(probabilityCol, v); }
    public HypergradClassificationModel setRawPredictionCol(String v) { return with(rawPredictionCol, v); }

    /** The number of classes. */
    public int numClasses() {
        return network().classes().size();
    }

    @Override
    protected BatchScorer.Output output() {
        return new ClassifierColumns(getRawPredictionCol(), getProbabilityCol(), getPredictionCol());
    }

    @Override
    public HypergradClassificationModel copy(ParamMap extra) {
        return copied(new HypergradClassificationModel(uid(), network(), tuning(), runFolder()), extra);
    }

    public static MLReader<HypergradClassificationModel> read() {
        return new HypergradModel.Reader<>(HypergradClassificationModel.class, HypergradClassificationModel::new);
    }

    public static HypergradClassificationModel load(String path) {
        return read().load(path);
    }
}
