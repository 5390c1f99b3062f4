package io.hypergrad.driver.export;

import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.problems.LearnedNetwork;
import io.hypergrad.common.problems.Task;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.spark.impl.multilayer.SparkDl4jMultiLayer;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Trains an exported network further on Spark with dl4j-spark's parameter averaging
 * ({@link SparkDl4jMultiLayer} with a {@link ParameterAveragingTrainingMaster}; its shared-gradient
 * master is not used, it hangs on this stack): on a task's training batches, one epoch being the
 * batches of the problem's T inner steps, scored on the task's validation batch before and after.
 * The Spark context should use Java serialisation (DL4J's arrays need ND4J's own Kryo registrator, which
 * the hypergrad application does not register).
 */
public final class Dl4jFit {
    private Dl4jFit() {}

    /**
     * What a fit did.
     *
     * @param trainLossBefore mean training loss over the training batches before (DL4J's score)
     * @param trainLossAfter  after
     * @param lossBefore     validation loss (DL4J's score: mean cross-entropy or MSE) before
     * @param lossAfter      after
     * @param accuracyBefore validation accuracy before (NaN for regression)
     * @param accuracyAfter  after
     * @param batches        training batches per epoch
     * @param epochs         epochs
     * @param seconds        wall time of the fit
     */
    public record Result(double trainLossBefore, double trainLossAfter, double lossBefore, double lossAfter, double accuracyBefore, double accuracyAfter, int batches,
                         int epochs, double seconds) {}

    /** Fits {@code network} in place on the task's first {@code steps} training batches for {@code epochs} epochs. */
    public static Result fit(JavaSparkContext sc, MultiLayerNetwork network, LearnedNetwork.Output output, Task task,
                             int steps, int epochs, long seed) {
        List<DataSet> train = new ArrayList<>();
        for (int s = 1; s <= steps; s++) {
            train.add(dataSet(task.trainBatch(s), network, output));
        }
        DataSet val = dataSet(task.valBatch(), network, output);
        double trainBefore = meanScore(network, train);
        double lossBefore = network.score(val, false);
        double accBefore = accuracy(network, val, output);
        int perBatch = train.get(0).numExamples();
        ParameterAveragingTrainingMaster tm = new ParameterAveragingTrainingMaster.Builder(perBatch)
                .batchSizePerWorker(perBatch).averagingFrequency(1).workerPrefetchNumBatches(0).rngSeed(seed).build();
        SparkDl4jMultiLayer spark = new SparkDl4jMultiLayer(sc, network, tm);
        JavaRDD<DataSet> rdd = sc.parallelize(train, Math.min(train.size(), sc.defaultParallelism()));
        long t0 = System.nanoTime();
        MultiLayerNetwork trained = network;
        for (int e = 0; e < epochs; e++) {
            trained = spark.fit(rdd);
        }
        double seconds = (System.nanoTime() - t0) / 1e9;
        if (trained != network) {
            network.setParams(trained.params());
        }
        return new Result(trainBefore, meanScore(network, train), lossBefore, network.score(val, false), accBefore, accuracy(network, val, output), train.size(), epochs, seconds);
    }

    /** A batch as a DL4J DataSet: one-hot labels sized to the network's output for classes, targets otherwise. */
    static DataSet dataSet(Batch b, MultiLayerNetwork network, LearnedNetwork.Output output) {
        INDArray x = Dl4jExport.input(b, network);
        int n = b.size();
        INDArray y;
        if (output == LearnedNetwork.Output.SOFTMAX_CLASSES) {
            int k = (int) network.layerSize(network.getnLayers() - 1);
            double[] oneHot = new double[n * k];
            for (int i = 0; i < n; i++) {
                oneHot[i * k + b.labels()[i]] = 1;
            }
            y = Nd4j.create(oneHot, new long[] {n, k}, 'c');
        } else if (output == LearnedNetwork.Output.SIGMOID_BINARY) {
            double[] y01 = new double[n];
            for (int i = 0; i < n; i++) {
                y01[i] = b.labels()[i];
            }
            y = Nd4j.create(y01, new long[] {n, 1}, 'c');
        } else {
            y = Nd4j.create(b.targets(), new long[] {n, b.targets().length / n}, 'c');
        }
        return new DataSet(x, y);
    }

    private static double meanScore(MultiLayerNetwork network, List<DataSet> data) {
        double s = 0;
        for (DataSet d : data) {
            s += network.score(d, false);
        }
        return s / data.size();
    }

    private static double accuracy(MultiLayerNetwork network, DataSet d, LearnedNetwork.Output output) {
        if (output == LearnedNetwork.Output.SIGMOID_BINARY) {
            INDArray p = network.output(d.getFeatures(), false);
            int n = (int) p.size(0);
            int correct = 0;
            for (int i = 0; i < n; i++) {
                if ((p.getDouble(i, 0) > 0.5) == (d.getLabels().getDouble(i, 0) > 0.5)) {
                    correct++;
                }
            }
            return correct / (double) n;
        }
        if (output != LearnedNetwork.Output.SOFTMAX_CLASSES) {
            return Double.NaN;
        }
        INDArray p = network.output(d.getFeatures(), false);
        INDArray predicted = p.argMax(1);
        INDArray actual = d.getLabels().argMax(1);
        int n = (int) p.size(0);
        int right = 0;
        for (int i = 0; i < n; i++) {
            right += predicted.getLong(i) == actual.getLong(i) ? 1 : 0;
        }
        return (double) right / n;
    }
}
