package io.hypergrad.workers.episode;

import java.io.Serializable;

/**
 * The sum of a partition's episode results, accumulated in task-index order so that the driver's total
 * depends only on the configured partitioning, never on which executor ran what or when.
 */
public final class PartialResult implements Serializable {
    private static final long serialVersionUID = 1L;

    /** Episodes summed. */
    public int episodes;
    /** Rows of the trajectory (steps reported). */
    public int rows;
    /** Σ over episodes of the hypergradient trajectory, rows × H, row-major. */
    public double[] trajectory;
    /**
     * The trajectories of the summed episodes that asked to be pooled ({@link EpisodeResult#pooled}) and
     * ran without a fault, in task order (rows × H each): the windows the Koopman aggregator fits.
     */
    public double[][] taskTrajectories = new double[0][];
    /** Σ over episodes of w_T − φ (the Reptile direction). */
    public double[] reptile;
    /** Σ of validation losses at w_T. */
    public double valLoss;
    /** Σ of validation accuracies at w_T (NaN for regression). */
    public double valAccuracy;
    /** Σ of squared validation losses (for confidence intervals). */
    public double valLossSq;
    /** Σ of squared validation accuracies (for confidence intervals). */
    public double valAccuracySq;
    /** Σ of training losses at the last step. */
    public double trainLoss;
    /** Forward-over-reverse sweeps spent. */
    public long jvps;
    /** Σ of episode compute seconds. */
    public double seconds;
    /** The slowest episode's seconds. */
    public double maxSeconds;
    /** Non-finite hypergradient entries seen. */
    public long nonFinite;
    /** Episodes whose inner loop hit a fault (non-finite value or divergence). */
    public int faultedTasks;
    /** Of those, the ones left out of the sums (policy fail or skip-task). */
    public int skippedTasks;
    /** The first {@link #MAX_FAULTS} faults, in task order: "task 2, step 5: non-finite training loss (loss NaN)". */
    public String[] faults = new String[0];
    /** How many fault descriptions are kept. */
    public static final int MAX_FAULTS = 8;
    /** θ-refit samples of every episode, in task order (refit rounds only). */
    public double[] thetaX = new double[0];
    public double[] thetaY = new double[0];
    /** Episodes that ended this round (their w_T − φ is in {@link #reptile}). */
    public int ended;
    /** Task indices of continuing episodes, in task order, with their states. */
    public int[] continuingTasks = new int[0];
    /** The states of continuing episodes, parallel to {@link #continuingTasks}. */
    public io.hypergrad.common.inner.InnerState[] continuingStates = new io.hypergrad.common.inner.InnerState[0];
    /** What their estimators carry into the next window (null entries: nothing), parallel to {@link #continuingTasks}. */
    public io.hypergrad.common.hypergrad.DistilledPoint[] continuingCarries = new io.hypergrad.common.hypergrad.DistilledPoint[0];

    /** Adds one episode's result. */
    public void add(EpisodeResult r) {
        jvps += r.jvps;
        seconds += r.seconds;
        maxSeconds = Math.max(maxSeconds, r.seconds);
        if (r.fault != null) {
            faultedTasks++;
            faults = keep(faults, new String[] {"task " + r.task + ", " + r.fault.describe()});
            if (r.excluded) {
                skippedTasks++;
                return;
            }
        }
        thetaX = join(thetaX, r.thetaX);
        thetaY = join(thetaY, r.thetaY);
        if (r.state != null) {
            int n = continuingTasks.length;
            continuingTasks = java.util.Arrays.copyOf(continuingTasks, n + 1);
            continuingStates = java.util.Arrays.copyOf(continuingStates, n + 1);
            continuingCarries = java.util.Arrays.copyOf(continuingCarries, n + 1);
            continuingTasks[n] = r.task;
            continuingStates[n] = r.state;
            continuingCarries[n] = r.carried;
        } else if (r.fault == null) {
            ended++;
        }
        if (r.pooled && r.fault == null) {
            taskTrajectories = java.util.Arrays.copyOf(taskTrajectories, taskTrajectories.length + 1);
            taskTrajectories[taskTrajectories.length - 1] = r.trajectory.clone();
        }
        if (episodes == 0) {
            rows = r.rows;
            trajectory = r.trajectory.clone();
            reptile = r.reptile.clone();
        } else {
            if (r.rows != rows || r.trajectory.length != trajectory.length) {
                throw new IllegalStateException("episodes disagree on the trajectory shape: " + rows + " vs " + r.rows + " rows");
            }
            for (int i = 0; i < trajectory.length; i++) {
                trajectory[i] += r.trajectory[i];
            }
            for (int i = 0; i < reptile.length; i++) {
                reptile[i] += r.reptile[i];
            }
        }
        episodes++;
        valLoss += r.valLoss;
        valAccuracy += r.valAccuracy;
        valLossSq += r.valLoss * r.valLoss;
        valAccuracySq += r.valAccuracy * r.valAccuracy;
        trainLoss += r.trainLoss;
        nonFinite += r.nonFinite;
    }

    private static String[] keep(String[] a, String[] b) {
        String[] c = java.util.Arrays.copyOf(a, Math.min(MAX_FAULTS, a.length + b.length));
        System.arraycopy(b, 0, c, a.length, c.length - a.length);
        return c;
    }

    private static double[] join(double[] a, double[] b) {
        if (b.length == 0) {
            return a;
        }
        double[] c = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    /** Mean and 95% confidence half-width (normal approximation) of a summed quantity. */
    public static double[] meanAndCi(double sum, double sumSq, int n) {
        double mean = sum / n;
        double var = n > 1 ? Math.max(0.0, (sumSq - n * mean * mean) / (n - 1)) : 0.0;
        return new double[] {mean, 1.96 * Math.sqrt(var / n)};
    }

    /** Adds another partition's sum (the driver calls this in partition order). */
    public void add(PartialResult p) {
        faultedTasks += p.faultedTasks;
        skippedTasks += p.skippedTasks;
        faults = keep(faults, p.faults);
        jvps += p.jvps;
        seconds += p.seconds;
        maxSeconds = Math.max(maxSeconds, p.maxSeconds);
        if (p.episodes == 0) {
            return;
        }
        ended += p.ended;
        thetaX = join(thetaX, p.thetaX);
        thetaY = join(thetaY, p.thetaY);
        int pooledSoFar = taskTrajectories.length;
        taskTrajectories = java.util.Arrays.copyOf(taskTrajectories, pooledSoFar + p.taskTrajectories.length);
        System.arraycopy(p.taskTrajectories, 0, taskTrajectories, pooledSoFar, p.taskTrajectories.length);
        int n = continuingTasks.length;
        continuingTasks = java.util.Arrays.copyOf(continuingTasks, n + p.continuingTasks.length);
        System.arraycopy(p.continuingTasks, 0, continuingTasks, n, p.continuingTasks.length);
        continuingStates = java.util.Arrays.copyOf(continuingStates, n + p.continuingStates.length);
        System.arraycopy(p.continuingStates, 0, continuingStates, n, p.continuingStates.length);
        continuingCarries = java.util.Arrays.copyOf(continuingCarries, n + p.continuingCarries.length);
        System.arraycopy(p.continuingCarries, 0, continuingCarries, n, p.continuingCarries.length);
        if (episodes == 0) {
            rows = p.rows;
            trajectory = p.trajectory.clone();
            reptile = p.reptile.clone();
        } else {
            for (int i = 0; i < trajectory.length; i++) {
                trajectory[i] += p.trajectory[i];
            }
            for (int i = 0; i < reptile.length; i++) {
                reptile[i] += p.reptile[i];
            }
        }
        episodes += p.episodes;
        valLoss += p.valLoss;
        valAccuracy += p.valAccuracy;
        valLossSq += p.valLossSq;
        valAccuracySq += p.valAccuracySq;
        trainLoss += p.trainLoss;
        nonFinite += p.nonFinite;
    }
}
