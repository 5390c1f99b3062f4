package io.hypergrad.driver.round;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.hypergrad.Estimators;
import io.hypergrad.common.koopman.KoopmanConfig;
import io.hypergrad.common.koopman.KoopmanEstimator;
import io.hypergrad.common.koopman.KoopmanResult;
import io.hypergrad.common.koopman.Spectrum;
import io.hypergrad.common.koopman.Trajectory;
import io.hypergrad.driver.checkpoint.DriverState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The glocal aggregator on the driver: the Koopman estimate of the hypergradient at the end of the
 * continuing episode, from the round's window of local hypergradients (design §4.1).
 *
 * <p>Noise handling: the fit sees the round's mean trajectory, which has about 1/√n of one task's
 * mini-batch noise, or — with {@code hypergrad.koopman.pool} — the snapshot pairs of every task's window
 * pooled (never a pair across two windows), read out at the mean. Averaging is the default: on windows
 * that differ only by noise, pooled least squares keeps each task's full noise in its regressors and is
 * biased towards A = 0 (see the koopman package's NoisyGlocalTest). The validation
 * batch of every local hypergradient is the task's fixed validation set, the same at every step.
 *
 * <p>Horizon: R = T − t_K, T the episode's inner steps and t_K its step at the end of the window,
 * unless {@code hypergrad.koopman.horizon} overrides it; in rows of the trajectory, R/S for a local
 * estimator emitting every S-th step ({@code local:…:S}). R = 0 (the window ends the episode, e.g.
 * {@code inner.window = 0}) returns the last local hypergradient, reason {@code NOT_APPLICABLE}, and is
 * not counted as a fallback.
 */
final class KoopmanAggregation {
    private final RunConfig config;
    private final int stride;

    KoopmanAggregation(RunConfig config) {
        this.config = config;
        this.stride = Estimators.parse(config.get(RunConfig.ESTIMATOR)).create().stride();
    }

    /**
     * The remaining horizon after this round's window, in trajectory rows: the override if set, else
     * T − t_K of the continuing episodes (0 when none continues), divided by the local estimator's stride.
     *
     * @param innerSteps       T
     * @param windowEndStep    the episodes' step at the end of the window, or −1 when every episode ended
     */
    long horizon(int innerSteps, int windowEndStep) {
        int override = config.get(RunConfig.KOOPMAN_HORIZON);
        long steps = override >= 0 ? override : windowEndStep < 0 ? 0 : Math.max(0, innerSteps - windowEndStep);
        // The fit's time unit is a trajectory row, S inner steps apart for local:…:S.
        return steps / stride;
    }

    /**
     * The estimate, with the round's {@code koopman} metrics written into {@code metrics} and the run's
     * counters in {@code st} updated.
     *
     * @param mean    the round's mean trajectory, rows × h row-major
     * @param perTask the tasks' own trajectories (empty when not pooled)
     */
    double[] estimate(double[] mean, double[][] perTask, int rows, int h, long horizon, DriverState st,
                      Map<String, Object> metrics) {
        KoopmanEstimator est = new KoopmanEstimator(new KoopmanConfig(config.get(RunConfig.KOOPMAN_DELAYS)));
        List<Trajectory> windows = new ArrayList<>();
        if (config.get(RunConfig.KOOPMAN_POOL) && perTask.length > 1) {
            for (double[] t : perTask) {
                windows.add(Trajectory.ofFlat(t, rows, h));
            }
        } else {
            windows.add(Trajectory.ofFlat(mean, rows, h));
        }
        KoopmanResult res = est.estimate(windows, horizon);
        st.koopmanCalls++;
        if (res.fallback()) {
            st.koopmanFallbacks++;
        }
        metrics.put("koopman", metrics(res, st));
        double[] estimate = res.estimate();
        if (windows.size() > 1 && !res.accepted()) {
            // Not extrapolated: the round's own mean h_K (it also holds tasks left out of the pool).
            return java.util.Arrays.copyOfRange(mean, (rows - 1) * h, rows * h);
        }
        return estimate;
    }

    /** The round's {@code koopman} entry of metrics.jsonl (non-finite measurements left out). */
    static Map<String, Object> metrics(KoopmanResult res, DriverState st) {
        Map<String, Object> k = new LinkedHashMap<>();
        k.put("fallback", res.fallback());
        k.put("reason", res.reason().name());
        if (!res.detail().isEmpty()) {
            k.put("detail", res.detail());
        }
        k.put("horizon", res.horizon());
        k.put("windows", res.windows());
        k.put("compressedRank", res.compressedRank());
        k.put("rank", res.rank());
        k.put("delays", res.delays());
        putFinite(k, "skill", res.skill());
        putFinite(k, "agreement", res.agreement());
        putFinite(k, "correction", res.correction());
        if (res.accepted()) {
            k.put("slowModesExtrapolated", res.slowModesExtrapolated());
        }
        Spectrum s = res.spectrum();
        List<double[]> eig = new ArrayList<>();
        List<Boolean> extrapolated = new ArrayList<>();
        List<String> classes = new ArrayList<>();
        for (int j = 0; j < s.size(); j++) {
            eig.add(new double[] {s.real()[j], s.imaginary()[j]});
            extrapolated.add(s.extrapolated(j));
            classes.add(s.modeClass(j).name());
        }
        k.put("eigenvalues", eig);
        k.put("extrapolated", extrapolated);
        k.put("modeClass", classes);
        k.put("fallbacksSoFar", st.koopmanFallbacks);
        k.put("callsSoFar", st.koopmanCalls);
        return k;
    }

    private static void putFinite(Map<String, Object> k, String key, double v) {
        if (Double.isFinite(v)) {
            k.put(key, v);
        }
    }
}
