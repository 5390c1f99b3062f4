package io.hypergrad.driver.ml;

import io.hypergrad.common.config.ConfigException;
import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.nn.LossFunction;
import io.hypergrad.driver.model.SavedModel;
import java.util.Map;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML regressor whose hyperparameters are tuned by gradient while it trains: {@code fit} runs
 * hypergrad's round loop on {@code featuresCol} (an ML Vector) and a numeric {@code labelCol}, with mean
 * squared error (or {@code huber}, named by {@code hypergrad.model.loss} in the config file or
 * overrides), and returns a {@link HypergradRegressionModel}. Targets are standardised by the training
 * rows for training and predicted in their own units.
 */
public final class HypergradRegressor extends HypergradEstimator<HypergradRegressionModel, HypergradRegressor> {
    private static final long serialVersionUID = 1L;

    public HypergradRegressor() {
        this(Identifiable.randomUID("hypergradRegressor"));
    }

    public HypergradRegressor(String uid) {
        super(uid);
    }

    @Override
    public StructType transformSchema(StructType schema) {
        validateAndTransformSchema(schema, true);
        return new RegressorColumns(getPredictionCol()).schema(schema);
    }

    @Override
    public HypergradRegressionModel fit(Dataset<?> dataset) {
        transformSchema(dataset.schema(), true);
        RunConfig c = config(dataset.schema(), configured("hypergrad.model.loss") ? Map.of() : Map.of("hypergrad.model.loss", "mse"));
        if (LossFunction.parse(c.get(RunConfig.MODEL_LOSS)).classification()) {
            throw new ConfigException("hypergrad.model.loss = " + c.get(RunConfig.MODEL_LOSS) + " is a classification loss; HypergradRegressor needs "
                    + "mse or huber (or use HypergradClassifier)");
        }
        return run(dataset, c);
    }

    @Override
    protected HypergradRegressionModel newModel(String uid, SavedModel saved, Tuning tuning, String runFolder) {
        return new HypergradRegressionModel(uid, saved, tuning, runFolder);
    }

    public static MLReader<HypergradRegressor> read() {
        return new DefaultParamsReader<>();
    }

    public static HypergradRegressor load(String path) {
        return read().load(path);
    }
}
