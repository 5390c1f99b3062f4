package io.hypergrad.workers.episode;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.hypergrad.Bilevel;
import io.hypergrad.common.hypergrad.Episode;
import io.hypergrad.common.hypergrad.EpisodeFault;
import io.hypergrad.common.inner.FaultInjection;
import io.hypergrad.common.hypergrad.Estimators;
import io.hypergrad.common.hypergrad.HypergradientEstimator;
import io.hypergrad.common.inner.InnerOptimizer;
import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.inner.Loss;
import io.hypergrad.common.problems.Evaluation;
import io.hypergrad.common.problems.MetaProblem;
import io.hypergrad.common.problems.Split;
import io.hypergrad.common.problems.Task;
import io.hypergrad.common.hypergrad.ThetaRefit;
import io.hypergrad.common.hypergrad.Trajectory;
import io.hypergrad.common.random.CounterRng;

/**
 * Runs one task's inner loop on an executor with the configured local estimator, and reports its
 * hypergradient trajectory, Reptile direction and metrics. Per-thread state (tapes, optimiser scratch)
 * is kept in a thread-local, so tasks running side by side in one executor never share buffers.
 */
public final class EpisodeRunner {
    private static final ThreadLocal<Workspace> WORKSPACE = new ThreadLocal<>();

    /**
     * An inner loop counts as diverged when its window ends with a training loss this many times the one
     * it started with (or a non-finite one). A stable loop ends below its start, up to mini-batch noise;
     * one past momentum SGD's stability bound grows geometrically (the sinusoid run of docs/RESULTS.md §4.1
     * went from ≈ 4 to 1e77 in 30 steps).
     */

    private EpisodeRunner() {}

    /** The per-thread losses and optimiser of one problem. */
    private record Workspace(MetaProblem problem, Loss train, Loss val, InnerOptimizer optimizer) {}

    private static Workspace workspace(MetaProblem problem) {
        Workspace w = WORKSPACE.get();
        if (w == null || w.problem() != problem) {
            var layout = problem.layout();
            w = new Workspace(problem, new Loss(layout, problem.trainObjective()), new Loss(layout, problem.valObjective()),
                    problem.newOptimizer());
            WORKSPACE.set(w);
        }
        return w;
    }

    /**
     * Runs a meta-train episode, or its next window when the episode continues across rounds: from z_0 = φ
     * (new) or the carried state, for τ steps (or to the episode's end at T), feeding a fresh estimator.
     */
    public static EpisodeResult run(RoundPayload payload, EpisodeDescriptor d) {
        return run(payload, d, null);
    }

    /**
     * As {@link #run(RoundPayload, EpisodeDescriptor)}, with a test fault injected when {@code inject}
     * names this round and task. A fault (non-finite value or divergence) stops the inner loop; under
     * {@code hypergrad.nonFinite = clip} the task keeps its estimates before the fault (zeros after),
     * otherwise it is excluded from the sums. Either way the episode ends.
     */
    public static EpisodeResult run(RoundPayload payload, EpisodeDescriptor d, InjectedFault inject) {
        long start = System.nanoTime();
        RunConfig config = payload.config;
        MetaProblem problem = ProblemCache.get(config);
        Workspace ws = workspace(problem);
        long seed = config.get(RunConfig.SEED);
        int task = d.task();
        Task t = problem.task(seed, Split.META_TRAIN, d.taskRound() < 0 ? payload.round : d.taskRound(), task);
        Bilevel bilevel = new Bilevel(ws.train(), ws.val(), ws.optimizer(), t.valBatch());
        HypergradientEstimator estimator = Estimators.parse(config.get(RunConfig.ESTIMATOR))
                .withScale(config.get(RunConfig.THETA_SCALE)).create(payload.theta, CounterRng.hash(seed, payload.round, task));
        InnerState z0 = d.state() != null ? d.state() : ws.optimizer().init(payload.phi);
        int total = problem.innerSteps();
        int tau = config.get(RunConfig.INNER_WINDOW);
        int steps = tau == 0 ? total - z0.step : Math.min(tau, total - z0.step);
        if (d.carried() != null) {
            estimator.resume(bilevel, payload.lambda, z0, d.carried(), t::trainBatch);
        } else {
            estimator.begin(bilevel, payload.lambda, z0);
        }
        Trajectory.Keep keep = Trajectory.Keep.of(config);
        int h = payload.lambda.length;
        Episode.Window window;
        try {
            window = Episode.runGuarded(bilevel, payload.lambda, z0, steps, batches(t, payload.round, task, inject), estimator,
                    config.get(RunConfig.DIVERGENCE), new Trajectory(keep));
        } finally {
            FaultInjection.arm(null);
        }
        EpisodeFault fault = window.fault();
        Trajectory traj = window.estimates();
        if (fault == null && !estimator.online()) {
            double[] e = estimator.estimate();
            int bad = Episode.firstNonFinite(e);
            if (bad >= 0) {
                fault = new EpisodeFault(window.state().step, EpisodeFault.NON_FINITE_HYPERGRADIENT, e[bad]);
            }
            traj = new Trajectory(keep);
            traj.add(e);
        }
        EpisodeResult r = new EpisodeResult();
        r.task = task;
        if (fault != null) {
            // Keep the trajectory's shape (every task must report the same rows): the estimates before the
            // fault, zeros from it on. Under clip they count; otherwise the task is left out of the sums.
            int rows = estimator.online() ? steps / estimator.stride() : 1;
            if (!estimator.online()) {
                traj = new Trajectory(keep);
            }
            while (traj.count() < rows) {
                traj.add(new double[h]);
            }
            r.fault = fault;
            r.excluded = !config.get(RunConfig.NON_FINITE).equals("clip");
        }
        r.trainLoss = ws.train().value(window.state().w, InnerOptimizer.modelLambda(payload.lambda, ws.train()),
                t.trainBatch(Math.max(1, window.state().step)));
        shapeTrajectory(r, traj, h);
        r.pooled = config.get(RunConfig.AGGREGATOR).equals("koopman") && config.get(RunConfig.KOOPMAN_POOL);
        double[] wT = window.state().w;
        r.reptile = new double[wT.length];
        if (fault != null) {
            // A faulted episode ends here and gives no Reptile direction.
        } else if (window.state().step >= total) {
            for (int i = 0; i < wT.length; i++) {
                r.reptile[i] = wT[i] - payload.phi[i];
            }
        } else {
            r.state = window.state();
            r.carried = estimator.carry();
        }
        Evaluation ev = problem.evaluate(wT, InnerOptimizer.modelLambda(payload.lambda, ws.train()), t.valBatch());
        r.valLoss = ev.loss();
        r.valAccuracy = ev.accuracy();
        r.jvps = estimator.jvps();
        r.seconds = (System.nanoTime() - start) / 1e9;
        return r;
    }

    /**
     * A θ-refit episode: a fresh task trained from φ with λ fixed, and HyperDistill's (x, y) samples from
     * one DrMAD sweep over it ({@link ThetaRefit}). An episode that faults (non-finite value or divergence,
     * judged as in training) gives no samples, whatever {@code hypergrad.nonFinite} says: its sweep would
     * set θ alone.
     *
     * @param inject a test fault, applied when it names this round and task (as in {@link #run(RoundPayload,
     *               EpisodeDescriptor, InjectedFault)}); null for none
     */
    public static EpisodeResult refit(RoundPayload payload, int task, InjectedFault inject) {
        long start = System.nanoTime();
        MetaProblem problem = ProblemCache.get(payload.config);
        Workspace ws = workspace(problem);
        long seed = payload.config.get(RunConfig.SEED);
        Task t = problem.task(seed, Split.META_TRAIN, payload.round, task);
        Bilevel bilevel = new Bilevel(ws.train(), ws.val(), ws.optimizer(), t.valBatch());
        double gamma = Estimators.gammaOf(payload.config.get(RunConfig.ESTIMATOR));
        long before = ws.train().jvps();
        ThetaRefit.Sweep s;
        try {
            s = ThetaRefit.samples(bilevel, payload.lambda, ws.optimizer().init(payload.phi), problem.innerSteps(),
                    batches(t, payload.round, task, inject), gamma, CounterRng.hash(seed, payload.round, task, 0x7E7A),
                    payload.config.get(RunConfig.DIVERGENCE));
        } finally {
            FaultInjection.arm(null);
        }
        EpisodeResult r = new EpisodeResult();
        r.task = task;
        r.trajectory = new double[0];
        r.reptile = new double[0];
        r.thetaX = s.samples().x();
        r.thetaY = s.samples().y();
        r.fault = s.fault();
        r.excluded = s.fault() != null;
        r.jvps = ws.train().jvps() - before;
        r.seconds = (System.nanoTime() - start) / 1e9;
        return r;
    }

    /** The task's training batches, arming the test fault at its step when {@code inject} names this round and task. */
    private static java.util.function.IntFunction<io.hypergrad.common.nn.Batch> batches(Task t, int round, int task, InjectedFault inject) {
        if (inject == null || inject.round() != round || inject.task() != task) {
            return t::trainBatch;
        }
        return step -> {
            FaultInjection.arm(step == inject.step() ? inject.kind() : null);
            return t.trainBatch(step);
        };
    }

    /**
     * Trains a fresh task of an evaluation split from φ with λ (no hypergradients) and measures it on the
     * task's validation data: the meta-validation and meta-test protocol.
     */
    public static EpisodeResult evaluate(RoundPayload payload, Split split, int task) {
        long start = System.nanoTime();
        MetaProblem problem = ProblemCache.get(payload.config);
        Workspace ws = workspace(problem);
        Task t = problem.task(payload.config.get(RunConfig.SEED), split, payload.round, task);
        InnerState z = ws.optimizer().init(payload.phi);
        for (int step = 1; step <= problem.innerSteps(); step++) {
            z = ws.optimizer().update(z, payload.lambda, t.trainBatch(step), ws.train());
        }
        double[] lm = InnerOptimizer.modelLambda(payload.lambda, ws.train());
        Evaluation ev = problem.evaluate(z.w, lm, t.valBatch());
        EpisodeResult r = new EpisodeResult();
        r.task = task;
        r.rows = 0;
        r.trajectory = new double[0];
        r.reptile = new double[0];
        r.valLoss = ev.loss();
        r.valAccuracy = ev.accuracy();
        r.trainLoss = ws.train().value(z.w, lm, t.trainBatch(problem.innerSteps()));
        r.seconds = (System.nanoTime() - start) / 1e9;
        return r;
    }


    /** Puts what the aggregator needs into the result: every row, their sum or the last (as the trajectory kept them). */
    static void shapeTrajectory(EpisodeResult r, Trajectory traj, int h) {
        r.rows = traj.keptRows();
        double[] kept = traj.kept(h);
        r.trajectory = kept != null ? kept : new double[h];
        for (double v : r.trajectory) {
            if (!Double.isFinite(v)) {
                r.nonFinite++;
            }
        }
    }
}
