package io.hypergrad.common.nn;

/** Which flat vector a parameter tensor lives in. */
public enum Role {
    /** Inner weights w, trained by the inner optimiser. */
    INNER,
    /** Hyperparameters λ, trained by the outer optimiser through hypergradients. */
    HYPER
}
