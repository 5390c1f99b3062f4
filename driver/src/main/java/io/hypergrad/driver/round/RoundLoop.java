package io.hypergrad.driver.round;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.problems.MetaProblem;
import io.hypergrad.common.problems.Split;
import io.hypergrad.driver.checkpoint.CheckpointStore;
import io.hypergrad.driver.checkpoint.DriverState;
import io.hypergrad.driver.output.RunFolder;
import io.hypergrad.workers.episode.EpisodeDescriptor;
import io.hypergrad.workers.episode.PartialResult;
import io.hypergrad.workers.episode.ProblemCache;
import io.hypergrad.workers.episode.RoundPayload;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;
import org.apache.spark.api.java.JavaSparkContext;

/**
 * The driver's round loop. Each round: broadcast (λ, φ, θ, config); run the meta-batch's episodes as
 * one Spark job over a fixed partitioning keyed by task index; collect the partitions' sums in partition
 * order; average over tasks; turn the mean trajectory into outer steps (replay, sum, last); update λ and
 * φ; write metrics and a checkpoint. Results depend on the seed and the configured partitioning only —
 * never on how many executors ran the job, in what order tasks finished, or whether a task was retried.
 */
public final class RoundLoop {
    private static final Logger LOG = Logger.getLogger(RoundLoop.class.getName());
    private static final ObjectMapper JSON = new ObjectMapper();
    /** The FAIR scheduler pool of evaluations that run alongside training. */
    static final String EVAL_POOL = "hypergrad-eval";
    /** The run folder's cache of the initial λ's meta-test. */
    static final String INITIAL_TEST_FILE = "meta-test-initial.json";

    private final JavaSparkContext sc;
    private RunConfig config;
    private final RunFolder folder;
    private final RoundListener listener;
    private final CheckpointStore checkpoints;
    private KoopmanAggregation koopman;
    /** A training partition's summed result (trajectory rows and Reptile direction), which decides where the sum tree runs. */
    private long trainingResultBytes;
    private volatile boolean cancelled;
    /** The initial λ's meta-test when it runs alongside training, else null. */
    private EpisodeJob initialMetaTest;

    public RoundLoop(JavaSparkContext sc, RunConfig config, RunFolder folder, RoundListener listener) {
        this.sc = sc;
        this.config = config;
        this.folder = folder;
        this.listener = listener;
        this.checkpoints = new CheckpointStore(folder, config);
    }

    /**
     * Asks a running loop to stop: it stops before its next round (and the caller cancels the Spark job
     * group to stop the current one); {@link #run} then throws {@link RunFailedException}.
     */
    public void cancel() {
        cancelled = true;
    }

    /**
     * Runs every round not yet done. With {@code resume}, continues from the newest valid checkpoint
     * (or starts afresh when there is none) and reaches the same λ as an uninterrupted run.
     *
     * @param stopAfter run at most this many rounds in this call (for tests of interruption), or −1
     * @return the summary written to {@code summary.json} (or null when stopped early)
     */
    public Map<String, Object> run(boolean resume, int stopAfter) {
        try {
            return runRounds(resume, stopAfter);
        } finally {
            if (initialMetaTest != null) {
                initialMetaTest.cancel();
                initialMetaTest = null;
            }
        }
    }

    private Map<String, Object> runRounds(boolean resume, int stopAfter) {
        config = io.hypergrad.driver.data.TablePreparation.prepare(
                org.apache.spark.sql.SparkSession.builder().sparkContext(sc.sc()).getOrCreate(), config, folder.uri(), resume);
        MetaProblem problem = preflight(config, sc.getConf());
        koopman = new KoopmanAggregation(config);
        trainingResultBytes = ResultBudget.of(config, problem).summedBytes();
        long seed = config.get(RunConfig.SEED);
        int rounds = config.get(RunConfig.ROUNDS);
        java.util.Optional<DriverState> resumed = resume ? checkpoints.loadNewest() : java.util.Optional.empty();
        DriverState st = resumed.orElseGet(() -> fresh(problem, seed));
        int lastSaved = resumed.isPresent() ? st.round : -1;
        if (resume && st.round > 0) {
            LOG.info("resuming at round " + st.round + " of " + rounds);
        }
        folder.writeText("config.conf", Provenance.configFile(config));
        startInitialMetaTest(problem, seed);
        LambdaParts lambdaParts = new LambdaParts(problem, st.lambda.length);
        OuterStep outer = new OuterStep(config, problem, st.lambda, (long) rounds * outerStepsPerRound(problem));
        if (st.outerState != null) {
            outer.importState(st.outerState, st.outerSteps);
        }
        long started = System.nanoTime();
        int done = 0;
        int evalEvery = config.get(RunConfig.EVAL_EVERY);
        Map<String, Object> lastEval = null;
        while (st.round < rounds) {
            if (stopAfter >= 0 && done >= stopAfter) {
                return null;
            }
            int r = st.round;
            if (cancelled) {
                throw new RunFailedException("cancelled before round " + (r + 1) + "; the run can be resumed from its checkpoint");
            }
            long t0 = System.nanoTime();
            Map<String, Object> m = new LinkedHashMap<>();
            // The state as the round found it: written as the last good checkpoint if the round fails
            // (when the checkpoint on disk is older, i.e. checkpoint.every > 1 or nothing saved yet).
            byte[] roundStart = lastSaved == r ? null : checkpoints.encode(st);
            PartialResult total;
            double hypergradNorm;
            try {
                refitThetaIfDue(st, r, rounds, m);
                total = runEpisodes(st, Split.META_TRAIN, r, config.get(RunConfig.META_BATCH),
                        String.format("round %d/%d · %d episodes · %s", r + 1, rounds, config.get(RunConfig.META_BATCH),
                                config.get(RunConfig.ESTIMATOR)), false);
                reportFaults(total, "round " + (r + 1), "left out of this round", m);
                hypergradNorm = total.episodes == 0 ? 0.0 : outerSteps(total, st.lambda.length, st, outer, r, m,
                        koopman.horizon(problem.innerSteps(), windowEndStep(total)));
            } catch (RunFailedException e) {
                if (roundStart != null) {
                    checkpoints.save(r, roundStart);
                }
                throw new RunFailedException(e.getMessage() + "; the last good checkpoint (after round " + r + ") is "
                        + checkpoints.pathOf(r) + ": fix the cause and run again with --resume", e.getCause());
            }
            if (problem.learnsInitialisation()) {
                reptile(st, total);
            }
            carryEpisodes(st, total, r);
            st.episodes += total.ended;
            st.round = r + 1;
            st.outerState = outer.exportState();
            st.outerSteps = outer.steps();
            double seconds = (System.nanoTime() - t0) / 1e9;

            m.put("round", r + 1);
            m.put("episodes", total.episodes);
            // A round whose every task was skipped has no losses to average (null, not NaN, in the JSON).
            m.put("trainLoss", total.episodes == 0 ? null : total.trainLoss / total.episodes);
            m.put("valLoss", total.episodes == 0 ? null : total.valLoss / total.episodes);
            m.put("valAccuracy", total.episodes == 0 ? null : total.valAccuracy / total.episodes);
            m.put("hypergradNorm", hypergradNorm);
            m.put("lambdaNorm", norm(st.lambda));
            putIfAny(m, "lambdaBlocks", lambdaParts.blocks(st.lambda));
            putIfAny(m, "lambdaSettings", lambdaParts.settings(st.lambda));
            m.put("theta", st.theta);
            m.put("jvps", total.jvps);
            m.put("nonFinite", total.nonFinite);
            m.put("nonFiniteOuterSteps", outer.nonFiniteEvents());
            m.put("seconds", seconds);
            m.put("maxTaskSeconds", total.maxSeconds);
            m.put("taskSeconds", total.seconds);
            if ((evalEvery > 0 && st.round % evalEvery == 0) || st.round == rounds) {
                PartialResult ev = runEpisodes(st, Split.META_VAL, 0, config.get(RunConfig.EVAL_TASKS),
                        String.format("round %d/%d · meta-validation on %d tasks", r + 1, rounds, config.get(RunConfig.EVAL_TASKS)), true);
                m.put("metaValLoss", ev.valLoss / ev.episodes);
                m.put("metaValAccuracy", ev.valAccuracy / ev.episodes);
                lastEval = m;
            }
            st.metricsLines.add(toJson(m));
            st.seconds += seconds;
            folder.writeText("metrics.jsonl", String.join("\n", st.metricsLines) + "\n");
            if (st.round % config.get(RunConfig.CHECKPOINT_EVERY) == 0 || st.round == rounds) {
                checkpoints.save(st);
                lastSaved = st.round;
            }
            done++;
            double elapsed = (System.nanoTime() - started) / 1e9;
            listener.onRound(st.round, rounds, m, elapsed / done * (rounds - st.round));
        }
        Map<String, Object> summary = summarise(problem, seed, st, lastEval);
        folder.writeText("summary.json", toJson(summary) + "\n");
        listener.onFinish(summary);
        return summary;
    }

    /** The continuing episodes' step at the end of this round's window, or −1 when every episode ended. */
    private static int windowEndStep(PartialResult total) {
        return total.continuingStates.length == 0 ? -1 : total.continuingStates[0].step;
    }

    /** The mean over the round's summed episodes of their trajectories. */
    private static double[] mean(PartialResult total) {
        double[] mean = total.trajectory.clone();
        for (int i = 0; i < mean.length; i++) {
            mean[i] /= total.episodes;
        }
        return mean;
    }

    /**
     * Faulted tasks (non-finite values, diverging inner loops) go into the round's metrics and the log;
     * under {@code hypergrad.nonFinite = fail} they fail the run, naming round, task and step.
     *
     * @param where   where they happened ("round 7", "round 7 θ refit")
     * @param skipped what became of a skipped task ("left out of this round")
     */
    private void reportFaults(PartialResult total, String where, String skipped, Map<String, Object> m) {
        m.put("faultedTasks", total.faultedTasks);
        m.put("skippedTasks", total.skippedTasks);
        if (total.faultedTasks == 0) {
            return;
        }
        m.put("faults", List.of(total.faults));
        String what = where + ": " + String.join("; ", total.faults)
                + (total.faultedTasks > total.faults.length ? " and " + (total.faultedTasks - total.faults.length) + " more" : "");
        String policy = config.get(RunConfig.NON_FINITE);
        if (policy.equals("fail")) {
            throw new RunFailedException(what + " (hypergrad.nonFinite = fail; set skip-task or clip to go on)");
        }
        LOG.warning(what + " (hypergrad.nonFinite = " + policy + ": " + (total.skippedTasks < total.faultedTasks
                ? "estimates up to the fault kept" : total.skippedTasks + " task(s) " + skipped) + ")");
    }

    /**
     * Everything that can be checked before Spark runs anything: builds the problem (so a missing or
     * malformed dataset is reported now, exit 3) and checks the config against the problem's sizes
     * ({@link io.hypergrad.common.problems.Preflight}, exit 2). Callers run it before they start Spark or
     * create the run folder; {@link #run} runs it again (the problem is cached per JVM). A table problem is
     * checked once its table is prepared ({@link io.hypergrad.driver.data.TablePreparation}, which needs
     * Spark): before that this returns null.
     *
     * Also refuses a run whose rounds would not fit {@code spark.driver.maxResultSize} or an executor's memory
     * ({@link ResultBudget}).
     *
     * @param spark the Spark settings the run will use (master, executor memory and cores bound an episode's memory)
     */
    public static MetaProblem preflight(RunConfig config, org.apache.spark.SparkConf spark) {
        if (io.hypergrad.driver.data.TablePreparation.needed(config)) {
            io.hypergrad.driver.data.TablePreparation.specOf(config);
            return null;
        }
        MetaProblem problem = ProblemCache.get(config);
        String master = spark.get("spark.master", "local[*]");
        boolean local = master.startsWith("local");
        long heap = local ? Runtime.getRuntime().maxMemory() : spark.getSizeAsBytes("spark.executor.memory", "1g");
        io.hypergrad.common.problems.Preflight.check(config, problem, heap);
        ResultBudget.of(config, problem).check(spark, heap, local ? localThreads(master)
                : Math.max(1, spark.getInt("spark.executor.cores", 1) / spark.getInt("spark.task.cpus", 1)));
        return problem;
    }

    /** Tasks a local master runs at once: local, local[N], local[*], local[N,F] (N retried F times). */
    static int localThreads(String master) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("local\\[(\\d+|\\*)").matcher(master);
        if (!m.lookingAt()) {
            return 1;
        }
        return m.group(1).equals("*") ? Runtime.getRuntime().availableProcessors() : Integer.parseInt(m.group(1));
    }

    /** Outer steps each round takes: one per trajectory row under replay of every row, else one. */
    private int outerStepsPerRound(MetaProblem problem) {
        if (io.hypergrad.common.hypergrad.Trajectory.Keep.of(config) != io.hypergrad.common.hypergrad.Trajectory.Keep.ALL
                || !config.get(RunConfig.AGGREGATOR).equals("replay")
                || !io.hypergrad.common.hypergrad.Estimators.parse(config.get(RunConfig.ESTIMATOR)).create().online()) {
            return 1;
        }
        int window = config.get(RunConfig.INNER_WINDOW);
        return window > 0 ? Math.min(window, problem.innerSteps()) : problem.innerSteps();
    }

    /** λ from the newest valid checkpoint of a run folder (the learned λ of a finished run). */
    public static double[] lambdaOf(RunFolder folder, RunConfig config) {
        return new CheckpointStore(folder, config).loadNewest()
                .orElseThrow(() -> new IllegalStateException("no valid checkpoint in " + folder.uri())).lambda.clone();
    }

    private DriverState fresh(MetaProblem problem, long seed) {
        DriverState st = new DriverState();
        st.lambda = initialLambda(problem, seed);
        st.phi = problem.initialPhi(seed);
        st.theta = config.get(RunConfig.THETA_VALUE);
        int m = config.get(RunConfig.META_BATCH);
        st.taskRounds = new int[m];
        java.util.Arrays.fill(st.taskRounds, -1);
        st.episodeStates = new io.hypergrad.common.inner.InnerState[m];
        st.episodeCarries = new io.hypergrad.common.hypergrad.DistilledPoint[m];
        return st;
    }

    /**
     * Records the states of episodes that continue and what their estimators carry; slots whose episode
     * ended draw a new task next round.
     */
    private static void carryEpisodes(DriverState st, PartialResult total, int round) {
        if (st.episodeCarries == null) {
            st.episodeCarries = new io.hypergrad.common.hypergrad.DistilledPoint[st.episodeStates.length];
        }
        for (int slot = 0; slot < st.episodeStates.length; slot++) {
            if (st.episodeStates[slot] == null) {
                st.taskRounds[slot] = round;
            }
            st.episodeStates[slot] = null;
            st.episodeCarries[slot] = null;
        }
        for (int k = 0; k < total.continuingTasks.length; k++) {
            st.episodeStates[total.continuingTasks[k]] = total.continuingStates[k];
            st.episodeCarries[total.continuingTasks[k]] = total.continuingCarries[k];
        }
        for (int slot = 0; slot < st.episodeStates.length; slot++) {
            if (st.episodeStates[slot] == null) {
                st.taskRounds[slot] = -1;
            }
        }
    }

    private static double[] initialLambda(MetaProblem problem, long seed) {
        return problem.initialLambda(seed);
    }

    /**
     * Runs tasks 0..n−1 of a split as one Spark job and sums the partitions in partition order. The job
     * reports its finished tasks as a phase named by {@code description} (from the start when
     * {@code announce}; a round's own job only when it runs long).
     */
    private PartialResult runEpisodes(DriverState st, Split split, int round, int n, String description, boolean announce) {
        return runEpisodes(st, split, round, n, description, announce, false);
    }

    private PartialResult runEpisodes(DriverState st, Split split, int round, int n, String description, boolean announce,
                                      boolean refit) {
        return await(submitEpisodes(st, split, round, n, description, refit, null), description, announce);
    }

    private EpisodeJob submitEpisodes(DriverState st, Split split, int round, int n, String description, boolean refit, String pool) {
        List<EpisodeDescriptor> ds = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            ds.add(split == Split.META_TRAIN
                    ? new EpisodeDescriptor(i, split, st.taskRounds[i], st.episodeStates[i],
                            st.episodeCarries == null ? null : st.episodeCarries[i])
                    : new EpisodeDescriptor(i, split));
        }
        // Evaluation uses the configured partitioning too: never the executor count, which would
        // change the summation order and with it the last bits of the metrics.
        // Evaluation and θ-refit results carry metrics and samples only: small enough to collect as they are.
        long resultBytes = split == Split.META_TRAIN && !refit ? trainingResultBytes : 0;
        return EpisodeJob.submit(sc, ds, new RoundPayload(round, st.lambda.clone(), st.phi.clone(), st.theta, config, refit),
                config.partitions(), split != Split.META_TRAIN, resultBytes, description, pool);
    }

    private PartialResult await(EpisodeJob job, String description, boolean announce) {
        try {
            return job.await(listener, description, announce);
        } catch (Exception e) {
            // Spark rethrows task failures as SparkException, a checked exception Java cannot see declared.
            if (cancelled) {
                throw new RunFailedException(description + ": cancelled; the run can be resumed from its checkpoint", e);
            }
            throw new RunFailedException(description + " failed: " + rootMessage(e), e);
        }
    }

    /**
     * HyperDistill with a fitted θ: before the first round and then every {@code theta.refitEvery}
     * episodes, a refit round — each task of the meta-batch runs a fresh episode with λ fixed and returns
     * its (x, y) samples; the driver fits one θ = xᵀy / xᵀx from all of them. Refit episodes that fault
     * give no samples (they are reported as training faults are); when none is left θ stays as it was.
     */
    private void refitThetaIfDue(DriverState st, int round, int rounds, Map<String, Object> metrics) {
        if (!config.get(RunConfig.THETA_MODE).equals("fit")
                || !io.hypergrad.common.hypergrad.Estimators.parse(config.get(RunConfig.ESTIMATOR))
                        .withScale(config.get(RunConfig.THETA_SCALE)).fitsTheta()) {
            return;
        }
        boolean due = round == 0 || st.episodes - st.episodesAtRefit >= config.get(RunConfig.THETA_REFIT_EVERY);
        if (!due) {
            return;
        }
        PartialResult s = runEpisodes(st, Split.META_TRAIN, round, config.get(RunConfig.META_BATCH),
                String.format("round %d/%d · θ refit on %d episodes", round + 1, rounds, config.get(RunConfig.META_BATCH)), true, true);
        Map<String, Object> refit = new LinkedHashMap<>();
        reportFaults(s, "round " + (round + 1) + " θ refit", "left out of the θ fit", refit);
        if (s.thetaX.length > 0) {
            st.theta = io.hypergrad.common.hypergrad.ThetaRefit.fit(new io.hypergrad.common.hypergrad.ThetaRefit.Samples(s.thetaX, s.thetaY));
        } else {
            LOG.warning("round " + (round + 1) + ": every θ-refit episode faulted; θ stays " + st.theta);
        }
        st.episodesAtRefit = st.episodes;
        refit.put("theta", st.theta);
        refit.put("samples", s.thetaX.length);
        refit.put("jvps", s.jvps);
        metrics.put("thetaRefit", refit);
    }

    /**
     * Applies the aggregator's outer steps; returns the norm of the mean hypergradient it used.
     *
     * @param horizon the remaining horizon R of the episodes after this window (for the Koopman aggregator)
     */
    private double outerSteps(PartialResult total, int h, DriverState st, OuterStep outer, int round,
                              Map<String, Object> metrics, long horizon) {
        double[] mean = mean(total);
        int rows = total.rows;
        List<double[]> steps = new ArrayList<>();
        if (config.get(RunConfig.AGGREGATOR).equals("koopman")) {
            steps.add(koopman.estimate(mean, total.taskTrajectories, rows, h, horizon, st, metrics));
        } else {
            // Every row through the outer optimiser in order (replay), or the one row the workers kept: the
            // sum (sum; replay through a linear outer optimiser) or the last.
            for (int k = 0; k < rows; k++) {
                steps.add(java.util.Arrays.copyOfRange(mean, k * h, (k + 1) * h));
            }
        }
        double normSum = 0;
        for (double[] g : steps) {
            normSum += norm(g);
            outer.apply(st.lambda, g, round);
        }
        return steps.isEmpty() ? 0 : normSum / steps.size();
    }

    private void reptile(DriverState st, PartialResult total) {
        double eps = config.get(RunConfig.REPTILE_STEP);
        if (eps == 0.0 || total.ended == 0) {
            return;
        }
        for (int i = 0; i < st.phi.length; i++) {
            st.phi[i] += eps * total.reptile[i] / total.ended;
        }
    }

    private Map<String, Object> summarise(MetaProblem problem, long seed, DriverState st, Map<String, Object> lastEval) {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("problem", problem.name());
        s.put("estimator", config.get(RunConfig.ESTIMATOR));
        s.put("aggregator", config.get(RunConfig.AGGREGATOR));
        s.put("rounds", st.round);
        s.put("episodes", st.episodes);
        s.put("finalValLoss", lastEval == null ? null : lastEval.get("metaValLoss"));
        s.put("finalValAccuracy", lastEval == null ? null : lastEval.get("metaValAccuracy"));
        int testTasks = config.get(RunConfig.TEST_TASKS);
        if (problem instanceof io.hypergrad.common.problems.FinalTest ft) {
            DriverState initial = fresh(problem, seed);
            s.put("test", FinalTestPhase.run(ft, initial.lambda, initial.phi, st.lambda, st.phi, config, folder, listener));
            if (problem instanceof io.hypergrad.common.problems.TableProblem tp && tp.groupMode()) {
                s.put("skippedGroups", tp.skippedGroups());
            }
        } else if (testTasks > 0) {
            PartialResult after = runEpisodes(st, Split.META_TEST, 0, testTasks,
                    "meta-test of the learned λ on " + testTasks + " tasks", true);
            s.put("metaTest", Map.of("tasks", testTasks, "initial", initialMetaTest(problem, seed), "learned", testStats(after)));
        }
        s.put("seconds", st.seconds);
        s.put("lambdaSize", st.lambda.length);
        s.put("lambdaSha256", CheckpointStore.fingerprint(st.lambda));
        return s;
    }

    /**
     * The initial λ's meta-test does not depend on training, so it need not wait for it: when the
     * scheduler is FAIR and this run has no pool of its own (a sweep's runs do), it starts now as its own
     * job in the pool {@value #EVAL_POOL} and shares the executors with the rounds; the end of the run then
     * waits only for what is left of it. Its result is cached in the run folder ({@value #INITIAL_TEST_FILE}),
     * so a resumed run does not measure it again.
     */
    private void startInitialMetaTest(MetaProblem problem, long seed) {
        int testTasks = config.get(RunConfig.TEST_TASKS);
        if (testTasks == 0 || problem instanceof io.hypergrad.common.problems.FinalTest || cachedInitialMetaTest() != null
                || !"FAIR".equals(sc.getConf().get("spark.scheduler.mode", "FIFO"))
                || sc.getLocalProperty("spark.scheduler.pool") != null) {
            return;
        }
        String phase = "meta-test of the initial λ on " + testTasks + " tasks";
        initialMetaTest = submitEpisodes(fresh(problem, seed), Split.META_TEST, 0, testTasks, phase, false, EVAL_POOL);
        listener.onPhase(phase + " · started alongside training (FAIR pool " + EVAL_POOL + ")", 0, testTasks, Double.NaN);
    }

    /** The initial λ's meta-test statistics: cached, awaited from the background job, or measured now. */
    private Map<String, Object> initialMetaTest(MetaProblem problem, long seed) {
        Map<String, Object> cached = cachedInitialMetaTest();
        if (cached != null) {
            listener.onPhase("meta-test of the initial λ: measured before, read from " + INITIAL_TEST_FILE, 1, 1, 0);
            return cached;
        }
        int testTasks = config.get(RunConfig.TEST_TASKS);
        String phase = "meta-test of the initial λ on " + testTasks + " tasks";
        PartialResult before;
        if (initialMetaTest != null) {
            before = await(initialMetaTest, phase + " (started alongside training)", true);
            initialMetaTest = null;
        } else {
            before = runEpisodes(fresh(problem, seed), Split.META_TEST, 0, testTasks, phase, true);
        }
        Map<String, Object> stats = testStats(before);
        Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("key", initialMetaTestKey());
        entry.put("stats", stats);
        folder.writeText(INITIAL_TEST_FILE, toJson(entry) + "\n");
        return stats;
    }

    /** The cached initial-λ meta-test of this very configuration, or null. */
    @SuppressWarnings("unchecked")
    private Map<String, Object> cachedInitialMetaTest() {
        if (!folder.exists(INITIAL_TEST_FILE)) {
            return null;
        }
        try {
            Map<String, Object> entry = JSON.readValue(folder.readText(INITIAL_TEST_FILE), Map.class);
            return initialMetaTestKey().equals(entry.get("key")) ? (Map<String, Object>) entry.get("stats") : null;
        } catch (JsonProcessingException | RuntimeException e) {
            LOG.warning("ignoring " + INITIAL_TEST_FILE + " (" + e.getMessage() + "); measuring the initial λ again");
            return null;
        }
    }

    /** What the initial λ's meta-test depends on: the whole resolved configuration (over-strict, never stale). */
    private String initialMetaTestKey() {
        try {
            byte[] d = java.security.MessageDigest.getInstance("SHA-256")
                    .digest(config.resolvedHocon().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Map<String, Object> testStats(PartialResult p) {
        double[] loss = PartialResult.meanAndCi(p.valLoss, p.valLossSq, p.episodes);
        double[] acc = PartialResult.meanAndCi(p.valAccuracy, p.valAccuracySq, p.episodes);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("loss", loss[0]);
        m.put("lossCi95", loss[1]);
        m.put("accuracy", Double.isNaN(acc[0]) ? null : acc[0]);
        m.put("accuracyCi95", Double.isNaN(acc[1]) ? null : acc[1]);
        return m;
    }

    private static void putIfAny(Map<String, Object> m, String key, Map<String, Double> values) {
        if (!values.isEmpty()) {
            m.put(key, values);
        }
    }

    static double norm(double[] a) {
        double s = 0;
        for (double x : a) {
            s += x * x;
        }
        return Math.sqrt(s);
    }

    static String toJson(Map<String, Object> m) {
        Map<String, Object> clean = new LinkedHashMap<>();
        m.forEach((k, v) -> clean.put(k, v instanceof Double d && !Double.isFinite(d) ? null : v));
        try {
            return JSON.writeValueAsString(clean);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final java.util.regex.Pattern SPARK_ATTEMPTS = java.util.regex.Pattern.compile("failed (\\d+) times");
    /** {@link io.hypergrad.workers.episode.EpisodeFailedException}'s message, when only its text crossed the wire. */
    private static final java.util.regex.Pattern EPISODE_FAILED =
            java.util.regex.Pattern.compile("(task \\d+ of round \\d+ \\([a-z-]+\\) failed: [^\\n]*)");

    /**
     * What failed: the executor's {@link io.hypergrad.workers.episode.EpisodeFailedException} (which names the
     * task) when it crossed the wire, else the root cause; with Spark's attempt count when it gave up.
     */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        String message = null;
        String attempts = "";
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            java.util.regex.Matcher n = SPARK_ATTEMPTS.matcher(String.valueOf(c.getMessage()));
            if (attempts.isEmpty() && n.find()) {
                attempts = " (Spark gave up after " + n.group(1) + " attempts)";
            }
            if (message == null && c instanceof io.hypergrad.workers.episode.EpisodeFailedException) {
                message = c.getMessage();
            }
            t = c;
        }
        if (message == null) {
            java.util.regex.Matcher m = EPISODE_FAILED.matcher(String.valueOf(e.getMessage()));
            message = m.find() ? m.group(1) : t.getClass().getSimpleName() + ": " + t.getMessage();
        }
        return message + attempts;
    }
}
