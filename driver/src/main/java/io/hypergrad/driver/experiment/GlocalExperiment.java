package io.hypergrad.driver.experiment;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.hypergrad.Bilevel;
import io.hypergrad.common.hypergrad.DistilledPoint;
import io.hypergrad.common.hypergrad.HyperDistill;
import io.hypergrad.common.hypergrad.ThetaRefit;
import io.hypergrad.common.hypergrad.WindowLocal;
import io.hypergrad.common.inner.HyperHook;
import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.inner.Loss;
import io.hypergrad.common.inner.Sgd;
import io.hypergrad.common.koopman.KoopmanConfig;
import io.hypergrad.common.koopman.KoopmanEstimator;
import io.hypergrad.common.koopman.KoopmanResult;
import io.hypergrad.common.koopman.Trajectory;
import io.hypergrad.common.outer.OptimizerState;
import io.hypergrad.common.outer.OuterOptimizer;
import io.hypergrad.common.outer.Transforms;
import io.hypergrad.common.outer.Update;
import io.hypergrad.common.problems.MetaProblem;
import io.hypergrad.common.problems.ProblemFactory;
import io.hypergrad.common.problems.Split;
import io.hypergrad.common.problems.Task;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.driver.output.RunFolder;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

/**
 * Glocal on optimiser HPO (design §4.1, issue 17): n parallel trainings of an MLP on Fashion-MNIST, one
 * episode of T inner steps each, cut into windows of τ steps with one outer step (Adam) per window, λ
 * either small (per-layer log learning rates and log weight decays) or large (one log weight decay per
 * parameter). Four ways to turn a window into the outer step's hypergradient:
 * <ul>
 *   <li>{@code local}: h_K, the exact window-local hypergradient at the window's end (truncated at the window's start);</li>
 *   <li>{@code glocal}: the Koopman estimate over the window-local trajectory {@code local:mode:S}, extrapolated to the
 *       remaining horizon R = T − t_K (h_K when it falls back);</li>
 *   <li>{@code hyperdistill}: HyperDistill's online estimate at the window's end, its distilled point carried across windows
 *       (θ fixed, or fitted once by a DrMAD refit at λ_0);</li>
 *   <li>{@code global}: the exact hypergradient of L_val(w_{t_K}) through every step so far — forward mode carried over the whole
 *       horizon for small λ, a reverse sweep back to step 0 for large λ.</li>
 * </ul>
 * Each method drives its own run (final test accuracy, JVPs, seconds). In the run driven by {@code global},
 * every method is also computed from the same states at every window: their cosine similarity to the global
 * hypergradient, and glocal's fallbacks with their reasons. Every hypergradient sees one fixed validation
 * batch (the first {@code validationRows} of the held-out part), the same at every step and window.
 */
public final class GlocalExperiment {
    private GlocalExperiment() {}

    /** The four ways of taking the outer step, in table order. */
    public enum Method {
        LOCAL, GLOCAL, HYPERDISTILL, GLOBAL;

        String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One λ size.
     *
     * @param name         e.g. small
     * @param learningRate scope of the log learning rate (constant, global, per-layer, per-parameter)
     * @param weightDecay  scope of the log weight decay
     * @param width        the MLP's hidden width
     * @param stride       S: the window-local trajectory has a row every S steps
     * @param tasks        the numbers n of parallel trainings to run
     * @param parallelWindows the window lengths τ run with n &gt; 1 (a subset, to bound the cost)
     */
    public record Size(String name, String learningRate, String weightDecay, int width, int stride, List<Integer> tasks,
                       List<Integer> parallelWindows) {}

    /**
     * The experiment.
     *
     * @param steps          T
     * @param windows        the window lengths τ
     * @param validationRows the fixed validation batch: this many held-out examples
     * @param gamma          HyperDistill's γ
     * @param theta          HyperDistill's θ, or NaN to fit it once at λ_0 by a DrMAD refit over the first task's episode
     * @param sizes          the λ sizes
     */
    public record Settings(int steps, List<Integer> windows, int validationRows, double gamma, double theta, List<Size> sizes) {}

    /** What one window of the measuring run gave. */
    private record WindowRecord(int window, int stepEnd, Map<Method, Double> cosine, double glocalMatchedCosine, String reason,
                                double lossVal) {}

    /** What one run gave. */
    private record RunResult(double testAccuracy, double valLoss, long jvps, double seconds, int fallbacks, int koopmanCalls,
                             Map<String, Integer> reasons, List<WindowRecord> windows) {}

    /** Runs every size, n and τ; writes {@code glocal.md}, {@code glocal-windows.jsonl} and one cosine plot per size. */
    public static String run(RunConfig base, Settings s, RunFolder out, PrintStream log) {
        StringBuilder md = new StringBuilder();
        md.append("| λ | \\|λ\\| | n | τ | method | cos to global: median over windows | mean | glocal fallbacks (reasons) | test acc | "
                + "val loss | JVPs | seconds |\n|---|---|---|---|---|---|---|---|---|---|---|---|\n");
        StringBuilder jsonl = new StringBuilder();
        for (Size size : s.sizes()) {
            for (int n : size.tasks()) {
                Setup setup = new Setup(base, s, size, n);
                for (int tau : n == 1 ? s.windows() : size.parallelWindows()) {
                    log.printf(Locale.ROOT, "glocal: λ %s (|λ| = %d, %s), n = %d, τ = %d, T = %d, S = %d, θ = %.4g%n", size.name(),
                            setup.lambda0.length, setup.globalReverse ? "reverse" : "forward", n, tau, s.steps(), size.stride(), setup.theta);
                    Map<Method, RunResult> results = new EnumMap<>(Method.class);
                    for (Method m : List.of(Method.GLOBAL, Method.LOCAL, Method.GLOCAL, Method.HYPERDISTILL)) {
                        RunResult r = train(setup, tau, m, m == Method.GLOBAL, log);
                        results.put(m, r);
                        log.printf(Locale.ROOT, "  %-12s test acc %.4f, val loss %.4f, %d JVPs, %.1f s%s%n", m.label(), r.testAccuracy(),
                                r.valLoss(), r.jvps(), r.seconds(), m == Method.GLOCAL ? ", fallbacks " + r.fallbacks() + "/" + r.koopmanCalls()
                                        + " " + r.reasons() : "");
                    }
                    RunResult measured = results.get(Method.GLOBAL);
                    for (Method m : Method.values()) {
                        RunResult r = results.get(m);
                        double[] cos = measured.windows().stream().mapToDouble(w -> w.cosine().get(m)).toArray();
                        String fb = m == Method.GLOCAL ? String.format(Locale.ROOT, "%d/%d own run %s; %d/%d measuring run %s", r.fallbacks(),
                                r.koopmanCalls(), r.reasons(), measured.fallbacks(), measured.koopmanCalls(), measured.reasons()) : "";
                        md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | %s | %s | %s | %s | %.2f%% | %.4f | %,d | %.1f |%n", size.name(),
                                setup.lambda0.length, n, tau, m.label(), m == Method.GLOBAL ? "1" : fmt(median(cos)),
                                m == Method.GLOBAL ? "1" : fmt(mean(cos)), fb, 100 * r.testAccuracy(), r.valLoss(), r.jvps(), r.seconds()));
                    }
                    double[] matched = measured.windows().stream().mapToDouble(WindowRecord::glocalMatchedCosine).toArray();
                    md.append(String.format(Locale.ROOT, "| %s | %d | %d | %d | glocal, R = t_K − τ (the global's horizon) | %s | %s | | | | | |%n",
                            size.name(), setup.lambda0.length, n, tau, fmt(median(matched)), fmt(mean(matched))));
                    for (WindowRecord w : measured.windows()) {
                        jsonl.append(String.format(Locale.ROOT, "{\"lambda\":\"%s\",\"n\":%d,\"tau\":%d,\"window\":%d,\"step\":%d,\"cosLocal\":%s,"
                                        + "\"cosGlocal\":%s,\"cosGlocalMatched\":%s,\"cosHyperdistill\":%s,\"reason\":\"%s\",\"valLoss\":%s}%n",
                                size.name(), n, tau, w.window(), w.stepEnd(), num(w.cosine().get(Method.LOCAL)), num(w.cosine().get(Method.GLOCAL)),
                                num(w.glocalMatchedCosine()), num(w.cosine().get(Method.HYPERDISTILL)), w.reason(), num(w.lossVal())));
                    }
                    out.writeText("glocal.md", md.toString());
                    out.writeText("glocal-windows.jsonl", jsonl.toString());
                    plots(out);
                }
            }
        }
        return md.toString();
    }

    /**
     * Draws {@code glocal-SIZE.png} for each λ size in {@code glocal-windows.jsonl}: the cosine of local, glocal and
     * HyperDistill to the global hypergradient at every window, one series per method, τ and n. Run after every τ, so
     * an interrupted experiment still has the plots of what finished ({@code experiment NAME --table-only} redraws them).
     */
    public static void plots(RunFolder out) {
        Map<String, Map<String, List<double[]>>> bySize = new LinkedHashMap<>();
        com.fasterxml.jackson.databind.ObjectMapper json = new com.fasterxml.jackson.databind.ObjectMapper();
        try {
            for (String line : out.readText("glocal-windows.jsonl").split("\n")) {
                if (line.isBlank()) {
                    continue;
                }
                var r = json.readTree(line);
                String suffix = " τ=" + r.get("tau").asInt() + (r.get("n").asInt() > 1 ? " n=" + r.get("n").asInt() : "");
                var series = bySize.computeIfAbsent(r.get("lambda").asText(), k -> new LinkedHashMap<>());
                for (String[] m : new String[][] {{"local", "cosLocal"}, {"glocal", "cosGlocal"}, {"hyperdistill", "cosHyperdistill"}}) {
                    if (r.hasNonNull(m[1])) {
                        series.computeIfAbsent(m[0] + suffix, k -> new ArrayList<>()).add(new double[] {r.get("step").asDouble(), r.get(m[1]).asDouble()});
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        bySize.forEach((size, series) -> {
            Map<String, double[][]> curves = new LinkedHashMap<>();
            series.forEach((name, pts) -> curves.put(name, new double[][] {pts.stream().mapToDouble(p -> p[0]).toArray(),
                pts.stream().mapToDouble(p -> p[1]).toArray()}));
            plot(out, "glocal-" + size + ".png", "Cosine to the global hypergradient at every window, λ " + size, curves);
        });
    }

    /** The problem, the optimiser with λ hooks at the size's scopes, the tasks and their fixed batches, θ. */
    private static final class Setup {
        final Settings s;
        final MetaProblem problem;
        final Sgd optimizer;
        final double[] lambda0;
        final List<Task> tasks = new ArrayList<>();
        final List<InnerState> starts = new ArrayList<>();
        final Batch validation;
        final Batch test;
        final boolean globalReverse;
        final WindowLocal.Mode mode;
        final int stride;
        final double outerLr;
        final double theta;

        Setup(RunConfig base, Settings s, Size size, int n) {
            this.s = s;
            RunConfig c = base.with("hypergrad.model.width", String.valueOf(size.width())).with("hypergrad.inner.steps", String.valueOf(s.steps()));
            problem = ProblemFactory.create(c);
            long seed = c.get(RunConfig.SEED);
            optimizer = new Sgd(problem.layout(), hook("logLearningRate", size.learningRate(), c.get(RunConfig.INNER_LR)),
                    hook("logWeightDecay", size.weightDecay(), c.get(RunConfig.INNER_WEIGHT_DECAY)),
                    HyperHook.constant("momentum", c.get(RunConfig.INNER_MOMENTUM)));
            lambda0 = new double[optimizer.hyperSize()];
            optimizer.initialiseHyper(lambda0, 0);
            for (int i = 0; i < n; i++) {
                tasks.add(problem.task(seed + i, Split.META_TRAIN, 0, 0));
                starts.add(optimizer.init(problem.initialPhi(seed + i)));
            }
            validation = head(tasks.get(0).valBatch(), s.validationRows());
            test = problem.task(seed, Split.META_TEST, 0, 0).valBatch();
            globalReverse = lambda0.length > WindowLocal.AUTO_FORWARD_MAX;
            mode = globalReverse ? WindowLocal.Mode.REVERSE : WindowLocal.Mode.FORWARD;
            stride = size.stride();
            outerLr = c.get(RunConfig.OUTER_LR);
            // Fitted: once, at λ_0 on the first task's whole episode, as HyperDistill's refit round would fit it.
            theta = !Double.isNaN(s.theta()) ? s.theta() : ThetaRefit.fit(ThetaRefit.samples(bilevel(), lambda0, starts.get(0), s.steps(), tasks.get(0)::trainBatch, s.gamma(),
                    seed, Double.POSITIVE_INFINITY).require());
        }

        /** A bilevel problem with losses of its own (so each estimator's JVPs are counted apart). */
        Bilevel bilevel() {
            return new Bilevel(new Loss(problem.layout(), problem.trainObjective()), new Loss(problem.layout(), problem.valObjective()),
                    optimizer, validation);
        }

        private static HyperHook hook(String name, String scope, double value) {
            HyperHook.Scope sc = switch (scope) {
                case "constant" -> HyperHook.Scope.CONSTANT;
                case "global" -> HyperHook.Scope.GLOBAL;
                case "per-layer" -> HyperHook.Scope.PER_LAYER;
                case "per-parameter" -> HyperHook.Scope.PER_PARAMETER;
                default -> throw new IllegalArgumentException("glocal experiment: scope must be constant, global, per-layer or per-parameter, got '"
                        + scope + "'");
            };
            return sc == HyperHook.Scope.CONSTANT ? HyperHook.constant(name, value) : new HyperHook(name, sc, HyperHook.Transform.EXP, value);
        }

        private static Batch head(Batch b, int rows) {
            int[] idx = new int[Math.min(rows, b.labels().length)];
            for (int i = 0; i < idx.length; i++) {
                idx[i] = i;
            }
            return b.select(idx);
        }
    }

    /** The exact hypergradient of L_val(w_t) through every step of one task's episode so far, as λ changes by window. */
    private static final class Global {
        final Setup setup;
        final Bilevel b;
        final Task task;
        InnerState[] tangents;
        final List<InnerState> states = new ArrayList<>();
        final List<double[]> lambdas = new ArrayList<>();
        InnerState last;

        Global(Setup setup, Task task, InnerState z0) {
            this.setup = setup;
            this.b = setup.bilevel();
            this.task = task;
            this.last = z0;
            if (!setup.globalReverse) {
                tangents = new InnerState[setup.lambda0.length];
                for (int j = 0; j < tangents.length; j++) {
                    tangents[j] = z0.zerosLike();
                }
            }
        }

        void observe(InnerState zPrev, Batch batch, InnerState z, double[] lambda) {
            if (setup.globalReverse) {
                states.add(zPrev);
                lambdas.add(lambda);
            } else {
                double[] e = new double[tangents.length];
                for (int j = 0; j < tangents.length; j++) {
                    e[j] = 1.0;
                    tangents[j] = b.optimizer().jvp(zPrev, lambda, batch, tangents[j], e, b.train());
                    e[j] = 0.0;
                }
            }
            last = z;
        }

        double[] estimate(double[] lambda) {
            Bilevel.ValGradient vg = b.valGradient(last.w, lambda);
            double[] h = vg.fo().clone();
            if (setup.globalReverse) {
                InnerState adj = Bilevel.seed(last, vg.alpha());
                for (int i = states.size() - 1; i >= 0; i--) {
                    InnerState zPrev = states.get(i);
                    adj = b.optimizer().vjp(zPrev, lambdas.get(i), task.trainBatch(zPrev.step + 1), adj, b.train(), h);
                }
                return h;
            }
            for (int j = 0; j < tangents.length; j++) {
                double acc = 0;
                for (int i = 0; i < vg.alpha().length; i++) {
                    acc += vg.alpha()[i] * tangents[j].w[i];
                }
                h[j] += acc;
            }
            return h;
        }
    }

    /** One task's estimators within the current window. */
    private static final class Observers {
        WindowLocal local;
        Bilevel localProblem;
        HyperDistill distill;
        Bilevel distillProblem;
        DistilledPoint carried;
        Global global;
        final List<double[]> rows = new ArrayList<>();
        double[] distillLast;
    }

    /**
     * One run: every task trains T steps; after each window, λ takes one outer step with the mean over tasks of
     * {@code driver}'s hypergradient. With {@code measureAll}, every method is computed at every window.
     */
    private static RunResult train(Setup setup, int tau, Method driver, boolean measureAll, PrintStream log) {
        long start = System.nanoTime();
        int steps = setup.s.steps();
        int h = setup.lambda0.length;
        double[] lambda = setup.lambda0.clone();
        OuterOptimizer outer = Transforms.adam(setup.outerLr);
        OptimizerState os = outer.init(lambda);
        Bilevel inner = setup.bilevel();
        int n = setup.tasks.size();
        List<InnerState> z = new ArrayList<>(setup.starts);
        boolean wantLocalTrajectory = measureAll || driver == Method.GLOCAL;
        boolean wantLocal = wantLocalTrajectory || driver == Method.LOCAL;
        boolean wantDistill = measureAll || driver == Method.HYPERDISTILL;
        boolean wantGlobal = driver == Method.GLOBAL;
        // local alone needs only h_K: one emission per window (stride τ), which is what it costs.
        int stride = wantLocalTrajectory ? setup.stride : tau;
        List<Observers> obs = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Observers o = new Observers();
            o.localProblem = setup.bilevel();
            o.distillProblem = setup.bilevel();
            if (wantGlobal) {
                o.global = new Global(setup, setup.tasks.get(i), z.get(i));
            }
            obs.add(o);
        }
        Map<Method, long[]> jvps = new EnumMap<>(Method.class);
        Map<Method, Double> seconds = new EnumMap<>(Method.class);
        for (Method m : Method.values()) {
            jvps.put(m, new long[1]);
            seconds.put(m, 0.0);
        }
        KoopmanEstimator koopman = new KoopmanEstimator(KoopmanConfig.defaults());
        List<WindowRecord> records = new ArrayList<>();
        Map<String, Integer> reasons = new TreeMap<>();
        int fallbacks = 0;
        int calls = 0;
        int windows = (steps + tau - 1) / tau;
        for (int k = 0; k < windows; k++) {
            double[] lam = lambda.clone();
            int len = Math.min(tau, steps - k * tau);
            for (int i = 0; i < n; i++) {
                Task task = setup.tasks.get(i);
                Observers o = obs.get(i);
                InnerState cur = z.get(i);
                o.rows.clear();
                long t0 = System.nanoTime();
                if (wantLocal) {
                    o.local = new WindowLocal(setup.mode, stride);
                    o.local.drawsBatchesFrom(task::trainBatch);
                    o.local.begin(o.localProblem, lam, cur);
                }
                long t1 = System.nanoTime();
                if (wantDistill) {
                    if (o.distill == null) {
                        o.distill = new HyperDistill(setup.s.gamma(), setup.theta, 0x6D15 + i);
                        o.distill.begin(o.distillProblem, lam, cur);
                    } else {
                        o.distill.resume(o.distillProblem, lam, cur, o.carried, task::trainBatch);
                    }
                }
                double tLocal = (t1 - t0) / 1e9;
                double tDistill = (System.nanoTime() - t1) / 1e9;
                double tGlobal = 0;
                for (int step = 0; step < len; step++) {
                    Batch b = task.trainBatch(cur.step + 1);
                    InnerState next = setup.optimizer.update(cur, lam, b, inner.train());
                    long a = System.nanoTime();
                    if (wantLocal) {
                        double[] row = o.local.observe(cur, b, next);
                        if (row != null) {
                            o.rows.add(row);
                        }
                    }
                    long bb = System.nanoTime();
                    if (wantDistill) {
                        o.distillLast = o.distill.observe(cur, b, next);
                    }
                    long c = System.nanoTime();
                    if (wantGlobal) {
                        o.global.observe(cur, b, next, lam);
                    }
                    long d = System.nanoTime();
                    tLocal += (bb - a) / 1e9;
                    tDistill += (c - bb) / 1e9;
                    tGlobal += (d - c) / 1e9;
                    cur = next;
                }
                if (wantDistill) {
                    o.carried = o.distill.carry();
                }
                z.set(i, cur);
                seconds.merge(Method.LOCAL, tLocal, Double::sum);
                seconds.merge(Method.HYPERDISTILL, tDistill, Double::sum);
                seconds.merge(Method.GLOBAL, tGlobal, Double::sum);
            }
            int stepEnd = z.get(0).step;
            Map<Method, double[]> est = new EnumMap<>(Method.class);
            double[] matched = null;
            String reason = "";
            if (wantLocal) {
                double[] mean = meanRows(obs, h);
                int rows = obs.get(0).rows.size();
                est.put(Method.LOCAL, Arrays.copyOfRange(mean, (rows - 1) * h, rows * h));
                if (wantLocalTrajectory) {
                    long kt = System.nanoTime();
                    Trajectory window = Trajectory.ofFlat(mean, rows, h);
                    KoopmanResult res = koopman.estimate(window, (long) (steps - stepEnd) / setup.stride);
                    calls++;
                    if (res.fallback()) {
                        fallbacks++;
                    }
                    reason = res.reason().name();
                    reasons.merge(reason, 1, Integer::sum);
                    est.put(Method.GLOCAL, res.estimate());
                    seconds.merge(Method.GLOCAL, (System.nanoTime() - kt) / 1e9, Double::sum);
                    if (measureAll) {
                        // The same window extrapolated to the global's own horizon t_K (R = t_K − τ), for comparison.
                        matched = koopman.estimate(window, (long) (stepEnd - len) / setup.stride).estimate();
                    }
                }
            }
            if (wantDistill) {
                double[] m = new double[h];
                for (Observers o : obs) {
                    add(m, o.distillLast, 1.0 / n);
                }
                est.put(Method.HYPERDISTILL, m);
            }
            if (wantGlobal) {
                long gt = System.nanoTime();
                double[] g = new double[h];
                for (Observers o : obs) {
                    add(g, o.global.estimate(lam), 1.0 / n);
                }
                seconds.merge(Method.GLOBAL, (System.nanoTime() - gt) / 1e9, Double::sum);
                est.put(Method.GLOBAL, g);
            }
            if (measureAll) {
                double[] g = est.get(Method.GLOBAL);
                Map<Method, Double> cos = new EnumMap<>(Method.class);
                for (Method m : Method.values()) {
                    cos.put(m, cosine(est.get(m), g));
                }
                records.add(new WindowRecord(k + 1, stepEnd, cos, cosine(matched, g), reason,
                        obs.get(0).localProblem.valGradient(z.get(0).w, lam).loss()));
                log.printf(Locale.ROOT, "    window %d (t = %d): cos local %.3f, glocal %.3f (%s), hyperdistill %.3f%n", k + 1, stepEnd,
                        cos.get(Method.LOCAL), cos.get(Method.GLOCAL), reason, cos.get(Method.HYPERDISTILL));
            }
            double[] step = est.get(driver);
            Update u = outer.update(step, os, lambda);
            os = u.state();
            lambda = u.applyTo(lambda);
        }
        for (Observers o : obs) {
            jvps.get(Method.LOCAL)[0] += o.localProblem.train().jvps();
            jvps.get(Method.HYPERDISTILL)[0] += o.distillProblem.train().jvps();
            if (o.global != null) {
                jvps.get(Method.GLOBAL)[0] += o.global.b.train().jvps();
            }
        }
        jvps.get(Method.GLOCAL)[0] = jvps.get(Method.LOCAL)[0];
        long total = jvps.get(driver)[0];
        double acc = 0;
        double loss = 0;
        for (InnerState zi : z) {
            var ev = setup.problem.evaluate(zi.w, new double[0], setup.test);
            acc += ev.accuracy() / n;
            loss += setup.bilevel().val().value(zi.w, new double[0], setup.validation) / n;
        }
        double secs = (System.nanoTime() - start) / 1e9;
        if (measureAll) {
            // The measuring run also computed the other methods: what remains is training plus the global hypergradient.
            secs -= seconds.get(Method.LOCAL) + seconds.get(Method.GLOCAL) + seconds.get(Method.HYPERDISTILL);
        }
        return new RunResult(acc, loss, total, secs, fallbacks, calls, reasons, records);
    }

    private static double[] meanRows(List<Observers> obs, int h) {
        int rows = obs.get(0).rows.size();
        double[] mean = new double[rows * h];
        for (Observers o : obs) {
            for (int r = 0; r < rows; r++) {
                double[] row = o.rows.get(r);
                for (int j = 0; j < h; j++) {
                    mean[r * h + j] += row[j] / obs.size();
                }
            }
        }
        return mean;
    }

    private static void add(double[] acc, double[] v, double scale) {
        for (int i = 0; i < acc.length; i++) {
            acc[i] += scale * v[i];
        }
    }

    /** cos(a, b); 0 when either is zero. */
    static double cosine(double[] a, double[] b) {
        double ab = 0, aa = 0, bb = 0;
        for (int i = 0; i < a.length; i++) {
            ab += a[i] * b[i];
            aa += a[i] * a[i];
            bb += b[i] * b[i];
        }
        return aa == 0 || bb == 0 ? 0 : ab / Math.sqrt(aa * bb);
    }

    private static double median(double[] v) {
        if (v.length == 0) {
            return Double.NaN;
        }
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double mean(double[] v) {
        return v.length == 0 ? Double.NaN : Arrays.stream(v).sum() / v.length;
    }

    private static String fmt(double v) {
        return Double.isNaN(v) ? "–" : String.format(Locale.ROOT, "%.3f", v);
    }

    private static String num(double v) {
        return Double.isFinite(v) ? String.format(Locale.ROOT, "%.6g", v) : "null";
    }

    private static void plot(RunFolder out, String file, String title, Map<String, double[][]> curves) {
        XYChart c = new XYChartBuilder().width(900).height(480).title(title).xAxisTitle("inner step at the window's end t_K")
                .yAxisTitle("cosine to the global hypergradient").build();
        c.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
        c.getStyler().setMarkerSize(4);
        c.getStyler().setLegendPosition(org.knowm.xchart.style.Styler.LegendPosition.OutsideE);
        curves.forEach((name, xy) -> c.addSeries(name, xy[0], xy[1]));
        ExperimentReport.writePng(out, file, c);
    }
}
