package io.hypergrad.common.hypergrad;

import io.hypergrad.common.config.RunConfig;
import java.util.ArrayList;
import java.util.List;

/**
 * A window's hypergradient estimates as the round's aggregator needs them: every row, or — when it needs
 * no more — their running sum or the last row, so that an episode holds |λ| doubles instead of K × |λ|.
 * The running sum adds the rows in step order from zeros, the same additions as summing the full rows.
 */
public final class Trajectory {
    /** What is kept of the rows. */
    public enum Keep {
        /** Every row (replay through a non-linear outer optimiser, Koopman). */
        ALL,
        /** Their running sum (the sum aggregator; replay through a linear outer optimiser). */
        SUM,
        /** The last row (the last aggregator). */
        LAST;

        /**
         * What a run's aggregator needs. Replay through plain SGD at a constant rate without clipping is
         * linear in the hypergradients — K steps of the rows move λ as one step of their sum — so it keeps
         * the sum too; any other outer optimiser (momentum, Adam, a schedule, clipping) sees every row.
         */
        public static Keep of(RunConfig c) {
            return switch (c.get(RunConfig.AGGREGATOR)) {
                case "sum" -> SUM;
                case "last" -> LAST;
                case "replay" -> linearOuterSteps(c) ? SUM : ALL;
                default -> ALL;
            };
        }

        /** Whether the outer update is linear in the hypergradient (λ ← λ − η·g with a fixed η). */
        static boolean linearOuterSteps(RunConfig c) {
            return c.get(RunConfig.OUTER_OPTIMIZER).equals("sgd") && c.get(RunConfig.OUTER_SCHEDULE).equals("constant")
                    && c.get(RunConfig.OUTER_CLIP) == 0.0;
        }
    }

    private final Keep keep;
    private final List<double[]> rows = new ArrayList<>();
    private double[] folded;
    private int count;

    public Trajectory(Keep keep) {
        this.keep = keep;
    }

    /** A trajectory that keeps every row. */
    public static Trajectory all() {
        return new Trajectory(Keep.ALL);
    }

    /** What this trajectory keeps. */
    public Keep keep() {
        return keep;
    }

    /** Adds the next row (the trajectory may keep it: the caller must not change it afterwards). */
    public void add(double[] row) {
        count++;
        switch (keep) {
            case ALL -> rows.add(row);
            case LAST -> folded = row;
            case SUM -> {
                if (folded == null) {
                    folded = new double[row.length];
                }
                for (int i = 0; i < row.length; i++) {
                    folded[i] += row[i];
                }
            }
        }
    }

    /** Rows added. */
    public int count() {
        return count;
    }

    /** Every row, in step order (a trajectory that keeps them all). */
    public List<double[]> rows() {
        if (keep != Keep.ALL) {
            throw new IllegalStateException("this trajectory keeps only the " + (keep == Keep.SUM ? "sum" : "last row") + " of its rows");
        }
        return rows;
    }

    /**
     * What is kept, row-major: every row (count × |λ|), or the one row of their sum or the last — null when
     * nothing was added to a sum or last.
     */
    public double[] kept(int h) {
        if (keep != Keep.ALL) {
            return folded;
        }
        double[] all = new double[rows.size() * h];
        for (int k = 0; k < rows.size(); k++) {
            System.arraycopy(rows.get(k), 0, all, k * h, h);
        }
        return all;
    }

    /** Rows of {@link #kept}: every row's, or one. */
    public int keptRows() {
        return keep == Keep.ALL ? rows.size() : 1;
    }
}
