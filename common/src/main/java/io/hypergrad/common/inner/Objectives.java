package io.hypergrad.common.inner;

import io.hypergrad.common.autodiff.Losses;
import io.hypergrad.common.nn.Model;

/** The standard objectives of a model on a batch. */
public final class Objectives {
    private Objectives() {}

    /** Mean softmax cross-entropy of the model's logits against the batch's labels. */
    public static Objective crossEntropy(Model model) {
        return (tape, p, batch) -> Losses.meanSoftmaxCrossEntropy(model.forward(tape, p, batch), batch.labels());
    }

    /** Mean squared error of the model's outputs against the batch's targets (PyTorch's MSELoss). */
    public static Objective meanSquaredError(Model model) {
        return (tape, p, batch) -> Losses.mse(model.forward(tape, p, batch), batch.targets());
    }
}
