package io.hypergrad.driver.ml;

import io.hypergrad.driver.model.BatchScorer;
import io.hypergrad.driver.model.SavedModel;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.MLReader;

/**
 * The regressor a {@link HypergradRegressor} fit returns: {@code transform} appends {@code prediction}
 * (a double, in the target's units), which {@code RegressionEvaluator} reads. Saved with
 * {@code write().save(path)}, loaded with {@link #load(String)}.
 */
public final class HypergradRegressionModel extends HypergradModel<HypergradRegressionModel> {
    private static final long serialVersionUID = 1L;

    HypergradRegressionModel(String uid, SavedModel network, Tuning tuning, String runFolder) {
        super(uid, network, tuning, runFolder);
    }

    @Override
    protected BatchScorer.Output output() {
        return new RegressorColumns(getPredictionCol());
    }

    @Override
    public HypergradRegressionModel copy(ParamMap extra) {
        return copied(new HypergradRegressionModel(uid(), network(), tuning(), runFolder()), extra);
    }

    public static MLReader<HypergradRegressionModel> read() {
        return new HypergradModel.Reader<>(HypergradRegressionModel.class, HypergradRegressionModel::new);
    }

    public static HypergradRegressionModel load(String path) {
        return read().load(path);
    }
}
