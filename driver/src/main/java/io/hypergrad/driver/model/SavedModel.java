package io.hypergrad.driver.model;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypergrad.common.data.DatasetException;
import io.hypergrad.common.nn.LossFunction;
import io.hypergrad.common.nn.Model;
import io.hypergrad.common.nn.NetworkSchema;
import io.hypergrad.common.problems.TableProblem;
import io.hypergrad.driver.output.RunFolder;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;
import java.util.Map;

/**
 * The network a table run tuned, as {@code hypergrad predict} (and the Spark ML models) need it: the
 * layers, the loss, the weights, and how a row becomes an input — the feature columns, the training rows'
 * standardisation statistics and the label's classes. Written to {@code model/network.json} in the run
 * folder (atomically, with a format version); serialisable, so it travels to executors.
 *
 * <p>A group-mode run saves the meta-learned start instead of trained weights: {@code w} is φ, and
 * {@code adaptation} says how to train it on a group's labelled rows before predicting that group
 * ({@link GroupScorer}). Format 1 (before group mode was saved) is still read, as an HPO-mode network.
 *
 * @param version      the format version ({@link #VERSION})
 * @param layers       the network in the layer schema ({@link NetworkSchema#toMaps()})
 * @param loss         the loss's name, e.g. {@code softmax_cross_entropy}
 * @param featureShape the shape of one example
 * @param outputs      the network's output width
 * @param label        the label column it was trained on
 * @param features     the feature columns in input order, each a number, an ML vector or an array of a width
 * @param featureNames the feature values' names in input order (a vector or array column gives {@code col[i]})
 * @param classes      the label's classes in index order (empty for regression)
 * @param mean         per-feature means of the training rows (0 when not standardised)
 * @param std          per-feature standard deviations of the training rows (1 when not standardised)
 * @param w            the trained inner weights (HPO mode), or φ, the start each group adapts from (group mode)
 * @param lambdaModel  the model's λ tensors
 * @param targetMean   regression: the training targets' mean (the network predicts standardised targets); else 0
 * @param targetScale  regression: the training targets' s.d.; else 1
 * @param adaptation   group mode: how each group adapts φ before it is scored; null in HPO mode (and in format 1)
 */
public record SavedModel(int version, List<Map<String, Object>> layers, String loss, int[] featureShape, int outputs, String label,
                         List<io.hypergrad.common.data.FeatureColumn> features, List<String> featureNames, List<String> classes, double[] mean, double[] std,
                         double[] w, double[] lambdaModel, double targetMean, double targetScale, GroupAdaptation adaptation)
        implements Serializable {
    /** The format this build writes: 2 adds {@code adaptation} (group mode). */
    public static final int VERSION = 2;
    /** The oldest format this build reads. */
    static final int OLDEST = 1;
    /** Where a run folder keeps it. */
    public static final String FILE = "model/network.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * Saves the network of a table problem under λ: in HPO mode with its trained weights {@code w}, in
     * group mode with φ as {@code w} and what adapting it to a group takes.
     */
    public static void write(RunFolder folder, TableProblem p, io.hypergrad.common.config.RunConfig c, double[] w, double[] lambda) {
        var t = p.table();
        GroupAdaptation adaptation = p.groupMode()
                ? new GroupAdaptation(c.get(io.hypergrad.common.config.RunConfig.DATA_GROUP), c.get(io.hypergrad.common.config.RunConfig.SEED),
                        lambda.clone(), p.training())
                : null;
        SavedModel m = new SavedModel(VERSION, p.schema().toMaps(), p.lossFunction().name().toLowerCase(java.util.Locale.ROOT),
                t.featureShape(), p.outputs(), c.get(io.hypergrad.common.config.RunConfig.DATA_LABEL), t.featureColumns(), t.featureNames(),
                t.classification() ? t.classes() : List.of(), t.mean(), t.std(), w,
                java.util.Arrays.copyOf(lambda, p.networkLambdaSize()),
                p.targetScaling()[0], p.targetScaling()[1], adaptation);
        m.save(folder);
    }

    /**
     * Writes this network to {@code folder}'s {@link #FILE}, atomically. Doubles are written in their
     * shortest exact form, so {@link #read} gives back the same bits.
     */
    public void save(RunFolder folder) {
        try {
            folder.writeAtomically(FILE, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(this));
        } catch (IOException e) {
            throw new IllegalStateException("cannot encode the model: " + e.getMessage(), e);
        }
    }

    /** Reads a run folder's saved network; a missing, foreign or newer file is a data error naming it. */
    public static SavedModel read(RunFolder folder) {
        if (!folder.exists(FILE)) {
            throw new DatasetException(folder.pathOf(FILE) + ": no saved network (only finished table runs save one)");
        }
        SavedModel m;
        try {
            m = JSON.readValue(folder.read(FILE), SavedModel.class);
        } catch (IOException e) {
            throw new DatasetException(folder.pathOf(FILE) + ": not a saved network: " + e.getMessage().split("\n")[0]);
        }
        if (m.version() < OLDEST || m.version() > VERSION) {
            throw new DatasetException(folder.pathOf(FILE) + ": format version " + m.version() + ", this build reads " + OLDEST + " to " + VERSION);
        }
        return m;
    }

    /** Whether each group adapts φ on its labelled rows before it is scored (a group-mode run's network). */
    public boolean groupMode() {
        return adaptation != null;
    }

    /** This network reading its features from other columns (same kinds and widths), e.g. a renamed input. */
    public SavedModel withFeatures(List<io.hypergrad.common.data.FeatureColumn> columns) {
        return new SavedModel(version, layers, loss, featureShape, outputs, label, columns, featureNames, classes, mean, std, w, lambdaModel,
                targetMean, targetScale, adaptation);
    }

    /** The loss. */
    public LossFunction lossFunction() {
        return LossFunction.parse(loss);
    }

    /** Whether the network is a classifier. */
    public boolean classification() {
        return lossFunction().classification();
    }

    /** Reads rows of a new input into this network's standardised features. */
    public io.hypergrad.driver.data.RowFeatures rowFeatures() {
        return new io.hypergrad.driver.data.RowFeatures(features, mean, std);
    }

    /** The network in evaluation mode (dropout off). */
    public Model model() {
        return NetworkSchema.parse(layers, "model/network.json layers").build(featureShape, outputs, false);
    }
}
