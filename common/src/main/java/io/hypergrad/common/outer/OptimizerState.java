package io.hypergrad.common.outer;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Immutable optimiser state: a step counter (updates applied so far) and a list of {@code double[]}
 * slots (e.g. momentum, Adam's first and second moments, guard counters), in the order the
 * transformations of a chain declare them.
 *
 * <p>Plain data on purpose: {@link #toArrays()}/{@link #fromArrays} give a checkpoint format of
 * arrays and a long, and the class is {@link Serializable} with nothing else inside. The public
 * surface copies; optimisers in this package read slots without copying.
 */
public final class OptimizerState implements Serializable {
    private static final long serialVersionUID = 1L;

    private final long step;
    private final double[][] slots;

    /** Takes ownership of {@code slots} (no copy): only for this package's optimisers. */
    OptimizerState(long step, double[][] slots) {
        if (step < 0) {
            throw new IllegalArgumentException("step must be >= 0, got " + step);
        }
        this.step = step;
        this.slots = slots;
    }

    /**
     * A state from checkpointed arrays (deep-copied).
     *
     * @param step  updates applied so far, ≥ 0
     * @param slots the slots as returned by {@link #toArrays()}
     */
    public static OptimizerState fromArrays(long step, double[][] slots) {
        double[][] copy = new double[slots.length][];
        for (int i = 0; i < slots.length; i++) {
            copy[i] = slots[i].clone();
        }
        return new OptimizerState(step, copy);
    }

    /** Number of updates applied so far (0 after {@code init}); schedules are evaluated at it. */
    public long step() {
        return step;
    }

    /** Number of slots. */
    public int slotCount() {
        return slots.length;
    }

    /** A copy of slot {@code i}. */
    public double[] slot(int i) {
        return slots[i].clone();
    }

    /** A deep copy of all slots, for checkpoints. */
    public double[][] toArrays() {
        double[][] copy = new double[slots.length][];
        for (int i = 0; i < slots.length; i++) {
            copy[i] = slots[i].clone();
        }
        return copy;
    }

    /** Slot {@code i} without copying; callers in this package must not write to it. */
    double[] view(int i) {
        return slots[i];
    }

    /** Slots [from, from + count) as a state with the given step (shares the arrays). */
    OptimizerState sub(long atStep, int from, int count) {
        return new OptimizerState(atStep, Arrays.copyOfRange(slots, from, from + count));
    }

    /** Checks that this state has {@code expected} slots, each of length {@code length}. */
    void requireShape(int expected, int length, String owner) {
        if (slots.length != expected) {
            throw new IllegalArgumentException(owner + " expects a state with " + expected + " slots, got "
                    + slots.length + " (a state from another optimiser?)");
        }
        for (double[] s : slots) {
            if (s.length != length && length >= 0) {
                throw new IllegalArgumentException(owner + " state slot has length " + s.length
                        + ", parameters have " + length);
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof OptimizerState other && step == other.step && Arrays.deepEquals(slots, other.slots);
    }

    @Override
    public int hashCode() {
        return 31 * Long.hashCode(step) + Arrays.deepHashCode(slots);
    }

    @Override
    public String toString() {
        return "OptimizerState[step=" + step + ", slots=" + slots.length + "]";
    }
}
