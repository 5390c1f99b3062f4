package io.hypergrad.common.koopman;

import java.util.Arrays;

/**
 * An immutable window of local hypergradients h_1..h_K, each of length H.
 *
 * <p>Stored flat and row-major ({@code data[t * dim + c]} is component c of h_{t+1}), because that is
 * how workers ship trajectories ({@code double[]} travels cheaply through Kryo) and because building
 * the Hankel matrix reads it sequentially.
 */
public final class Trajectory {
    private final double[] data;
    private final int steps;
    private final int dim;

    private Trajectory(double[] data, int steps, int dim) {
        this.data = data;
        this.steps = steps;
        this.dim = dim;
    }

    /**
     * A trajectory from rows: {@code rows[t]} is h_{t+1}. The rows are copied.
     *
     * @throws IllegalArgumentException if there are no rows, a row is empty, or rows differ in length
     */
    public static Trajectory of(double[][] rows) {
        if (rows == null || rows.length == 0) {
            throw new IllegalArgumentException("a trajectory needs at least one local hypergradient");
        }
        int dim = rows[0].length;
        if (dim == 0) {
            throw new IllegalArgumentException("local hypergradients must have at least one component");
        }
        double[] data = new double[rows.length * dim];
        for (int t = 0; t < rows.length; t++) {
            if (rows[t].length != dim) {
                throw new IllegalArgumentException("row " + t + " has length " + rows[t].length
                        + ", expected " + dim + " (all local hypergradients must have the same length)");
            }
            System.arraycopy(rows[t], 0, data, t * dim, dim);
        }
        return new Trajectory(data, rows.length, dim);
    }

    /**
     * A trajectory from a flat row-major array of {@code steps * dim} values. The array is copied.
     *
     * @throws IllegalArgumentException if the sizes do not match or are not positive
     */
    public static Trajectory ofFlat(double[] data, int steps, int dim) {
        if (steps <= 0 || dim <= 0) {
            throw new IllegalArgumentException("steps and dim must be positive, got " + steps + " x " + dim);
        }
        if (data.length != (long) steps * dim) {
            throw new IllegalArgumentException("flat trajectory has " + data.length + " values, expected "
                    + steps + " x " + dim + " = " + ((long) steps * dim));
        }
        return new Trajectory(data.clone(), steps, dim);
    }

    /** Number of local hypergradients K in the window. */
    public int steps() {
        return steps;
    }

    /** Length H of each local hypergradient. */
    public int dim() {
        return dim;
    }

    /** Component c of h_{t+1} (t is 0-based). */
    public double get(int t, int c) {
        return data[t * dim + c];
    }

    /** A copy of h_{t+1} (t is 0-based). */
    public double[] step(int t) {
        return Arrays.copyOfRange(data, t * dim, (t + 1) * dim);
    }

    /** A copy of the last local hypergradient h_K: what every fallback returns. */
    public double[] last() {
        return step(steps - 1);
    }

    /**
     * The first {@code count} local hypergradients h_1..h_count.
     *
     * @throws IllegalArgumentException unless 1 ≤ count ≤ steps
     */
    public Trajectory prefix(int count) {
        if (count < 1 || count > steps) {
            throw new IllegalArgumentException("prefix of " + count + " steps from a window of " + steps);
        }
        return new Trajectory(Arrays.copyOf(data, count * dim), count, dim);
    }

    /** True if every value is finite (no NaN, no infinity). */
    public boolean isFinite() {
        for (double v : data) {
            if (!Double.isFinite(v)) {
                return false;
            }
        }
        return true;
    }

    /** A copy of the flat row-major data. */
    public double[] toFlat() {
        return data.clone();
    }
}
