package io.hypergrad.common.outer;

/**
 * A learning rate as a function of the outer step: {@code at(step)} is used for the update that
 * takes the state from {@code step} to {@code step + 1} (so the first update uses {@code at(0)}, as in
 * Optax and PyTorch).
 */
@FunctionalInterface
public interface Schedule extends java.io.Serializable {
    /** The learning rate for the update applied at {@code step} (≥ 0). */
    double at(long step);
}
