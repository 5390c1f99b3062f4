package io.hypergrad.common.outer;

/**
 * A pure, Optax-style gradient transformation: {@code init} makes the state, {@code update} maps an
 * incoming vector and the state to an outgoing vector and a new state, and mutates nothing.
 *
 * <p>The incoming vector is the hypergradient (or, inside a {@link Transforms#chain chain}, the output
 * of the previous transformation). A complete optimiser's outgoing vector is the parameter
 * <em>delta</em>: new params = params + delta ({@link Update#applyTo}). Transformations such as
 * {@link Transforms#clipByGlobalNorm clipping} output a modified gradient and are meant to sit in
 * front of an optimiser in a chain.
 *
 * <p>State is an {@link OptimizerState}: a step counter plus plain {@code double[]} slots, so it can be
 * checkpointed as is. Implementations are immutable and thread-safe.
 */
public interface OuterOptimizer {
    /** The initial state for parameters of this length (the values are not used by the built-ins). */
    OptimizerState init(double[] params);

    /**
     * One step.
     *
     * @param grad   incoming vector, same length as params; not modified
     * @param state  a state from {@link #init} or a previous update of this same transformation
     * @param params current parameters; not modified
     * @return the outgoing vector (a fresh array) and the next state
     * @throws IllegalArgumentException if lengths disagree or the state does not belong here
     */
    Update update(double[] grad, OptimizerState state, double[] params);

    /** Number of {@code double[]} slots this transformation keeps in its state. */
    int stateSlots();
}
