package io.hypergrad.common.inner;

import io.hypergrad.common.autodiff.Tape;
import io.hypergrad.common.autodiff.Var;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.Bound;

/** A scalar loss L(w, λ; D), recorded on a tape from bound parameters: the training or validation loss. */
@FunctionalInterface
public interface Objective {
    /** Records the loss of the batch and returns the scalar. */
    Var loss(Tape tape, Bound params, Batch batch);
}
