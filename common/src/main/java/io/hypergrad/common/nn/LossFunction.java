package io.hypergrad.common.nn;

import io.hypergrad.common.autodiff.Losses;
import io.hypergrad.common.autodiff.Ops;
import io.hypergrad.common.autodiff.Var;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The training losses of the layer schema, each as a batch mean and per example (for per-example
 * weighting, e.g. Meta-Weight-Net's). Classification losses read {@link Batch#labels()}; regression
 * losses read {@link Batch#targets()}. Every one is recorded on the tape with exact second order.
 */
public enum LossFunction {
    /** Softmax cross-entropy of logits [N, classes] against labels in [0, classes). */
    SOFTMAX_CROSS_ENTROPY,
    /** Binary cross-entropy of one logit per example against labels 0 or 1, computed stably on the logit. */
    BINARY_CROSS_ENTROPY,
    /** Squared error, averaged over the outputs of each example and over the batch (PyTorch's MSELoss). */
    MSE,
    /** Huber loss with δ = 1, averaged as MSE is (PyTorch's HuberLoss); its Hessian is piecewise. */
    HUBER;

    /** The config name: softmax_cross_entropy, binary_cross_entropy, mse, huber. */
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Parses a config name (case-insensitive, '-' for '_'); an unknown name lists the known ones. */
    public static LossFunction parse(String name) {
        String key = name == null ? "" : name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        for (LossFunction f : values()) {
            if (f.name().equals(key)) {
                return f;
            }
        }
        throw new IllegalArgumentException("unknown loss '" + name + "'; known: " + known());
    }

    /** The known config names, comma-separated. */
    public static String known() {
        return Arrays.stream(values()).map(LossFunction::configName).collect(Collectors.joining(", "));
    }

    /** Whether the loss reads class labels (rather than real targets). */
    public boolean classification() {
        return this == SOFTMAX_CROSS_ENTROPY || this == BINARY_CROSS_ENTROPY;
    }

    /** The network's output width the loss needs: {@code classes} for softmax cross-entropy, else 1. */
    public int outputs(int classes) {
        return this == SOFTMAX_CROSS_ENTROPY ? classes : 1;
    }

    /** The loss averaged over the batch, a scalar. */
    public Var mean(Var output, Batch batch) {
        return switch (this) {
            case SOFTMAX_CROSS_ENTROPY -> Losses.meanSoftmaxCrossEntropy(output, labels(batch));
            // exactly the existing MSE, so specs and problems that used it keep their numbers to the bit
            case MSE -> Losses.mse(output, targets(output, batch));
            default -> Ops.mean(perExample(output, batch));
        };
    }

    /** The loss of each example, a vector [N] whose mean is {@link #mean}. */
    public Var perExample(Var output, Batch batch) {
        return switch (this) {
            case SOFTMAX_CROSS_ENTROPY -> Losses.softmaxCrossEntropy(output, labels(batch));
            case BINARY_CROSS_ENTROPY -> Losses.binaryCrossEntropyWithLogits(output, labels(batch));
            case MSE -> Losses.rowMeans(Ops.square(residual(output, batch)));
            case HUBER -> Losses.rowMeans(Losses.huber(residual(output, batch)));
        };
    }

    private Var residual(Var output, Batch batch) {
        return Ops.sub(output, output.tape().constant(targets(output, batch), output.shape()));
    }

    private int[] labels(Batch batch) {
        if (batch.labels() == null) {
            throw new IllegalArgumentException(configName() + " needs class labels, and the batch has none");
        }
        return batch.labels();
    }

    private double[] targets(Var output, Batch batch) {
        double[] t = batch.targets();
        if (t == null) {
            throw new IllegalArgumentException(configName() + " needs real targets, and the batch has none");
        }
        if (t.length != output.size()) {
            throw new IllegalArgumentException(configName() + ": " + t.length + " targets for outputs of shape "
                    + Arrays.toString(output.shape()));
        }
        return t;
    }
}
