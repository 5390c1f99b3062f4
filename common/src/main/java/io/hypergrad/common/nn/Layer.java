package io.hypergrad.common.nn;

import io.hypergrad.common.autodiff.Var;
import java.util.List;

/**
 * A differentiable layer: a function of its input and its named parameter tensors, recorded on the
 * input's tape. Layers hold no parameter values; those live in the flat w and λ vectors of a
 * {@link ParamLayout} and reach the layer through {@link Bound}.
 */
public interface Layer {
    /** The parameter tensors this layer needs (empty for activations and pooling). */
    List<ParamSpec> params();

    /** The layer applied to x, reading its tensors as {@code p.get(prefix, localName)}. */
    Var forward(Var x, Bound p, String prefix);

    /**
     * The layer applied to x inside a network whose input has the key {@code inputKey}
     * ({@link Dropout#inputKey}): what {@link Model#forward} calls. A layer whose output depends on which
     * batch it sees (dropout's mask) overrides this; every other layer ignores the key.
     */
    default Var forward(Var x, Bound p, String prefix, long inputKey) {
        return forward(x, p, prefix);
    }

    /** A short description, e.g. {@code Dense(784→256)}. */
    String describe();
}
