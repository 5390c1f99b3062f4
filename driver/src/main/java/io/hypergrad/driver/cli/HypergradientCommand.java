package io.hypergrad.driver.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hypergrad.common.hypergrad.Bilevel;
import io.hypergrad.common.hypergrad.Episode;
import io.hypergrad.common.hypergrad.Estimators;
import io.hypergrad.common.hypergrad.Forward;
import io.hypergrad.common.hypergrad.HypergradientEstimator;
import io.hypergrad.common.hypergrad.ThetaRefit;
import io.hypergrad.common.inner.InnerOptimizer;
import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.koopman.KoopmanConfig;
import io.hypergrad.common.koopman.KoopmanEstimator;
import io.hypergrad.common.koopman.KoopmanResult;
import io.hypergrad.common.koopman.Trajectory;
import io.hypergrad.common.nn.ParamLayout;
import io.hypergrad.common.nn.Role;
import io.hypergrad.common.problems.spec.BilevelSpec;
import java.io.File;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code hypergradient --spec SPEC.json --estimator NAME}: one hypergradient of a self-contained
 * bilevel problem, as JSON on stdout — a user's gradcheck, and the contract for exactness.
 */
@Command(name = "hypergradient", mixinStandardHelpOptions = true,
        description = "Compute one hypergradient of a bilevel problem spec (JSON) and print it as JSON.")
class HypergradientCommand implements Callable<Integer> {
    @Option(names = "--spec", required = true, description = "the bilevel problem (JSON; see docs/CLI.md)")
    File spec;

    @Option(names = "--estimator", required = true, description = "fo, one-step, truncated:K, reverse, forward, drmad, neumann:N:K, "
            + "cg-ift, hyperdistill:γ[:θ], glocal[:delays[:horizon]]")
    String estimator;

    @Option(names = "--trajectory", description = "also print every step's estimate (online estimators)")
    boolean trajectory;

    @Option(names = "--check", description = "fd: also print central finite differences of the unrolled objective and the relative error")
    String check;

    @Option(names = "--fd-step", description = "finite-difference step; default 1e-5")
    double fdStep = 1e-5;

    @Option(names = "--debug", description = "print stack traces of errors")
    boolean debug;

    @Override
    public Integer call() throws Exception {
        if (check != null && !check.equals("fd")) {
            throw new IllegalArgumentException("--check " + check + ": the only check is fd");
        }
        if (!(fdStep > 0) || !Double.isFinite(fdStep)) {
            throw new IllegalArgumentException("--fd-step " + fdStep + ": expected a positive finite number");
        }
        String name0 = estimator.trim().toLowerCase(Locale.ROOT);
        int glocalDelays = 0;
        long glocalHorizon = KoopmanEstimator.LIMIT;
        if (name0.equals("glocal") || name0.startsWith("glocal:")) {
            String[] parts = name0.split(":", -1);
            if (parts.length > 3) {
                throw new IllegalArgumentException("estimator '" + estimator + "': expected glocal[:delays[:horizon]]");
            }
            glocalDelays = parts.length > 1 ? (int) integer(estimator, parts[1], "delays", 0) : 0;
            glocalHorizon = parts.length > 2 ? integer(estimator, parts[2], "horizon", 0) : KoopmanEstimator.LIMIT;
        } else if (trajectory && !Estimators.parse(estimator).create().online()) {
            throw new IllegalArgumentException("--trajectory needs an online estimator (fo, one-step, forward, hyperdistill, glocal); "
                    + estimator + " estimates once, at the end");
        }
        BilevelSpec s;
        try {
            s = BilevelSpec.read(spec);
        } catch (io.hypergrad.common.problems.spec.SpecException e) {
            // Name the file too: "spec.json: layers[0].W: row 3 has 3 numbers, expected 4".
            throw e.getMessage().startsWith(spec.getPath()) ? e
                    : new io.hypergrad.common.problems.spec.SpecException(spec.getPath(), e.getMessage());
        }
        Bilevel problem = s.bilevel();
        InnerOptimizer opt = problem.optimizer();
        double[] lambda = s.lambda(opt);
        InnerState z0 = s.z0(opt);
        int steps = s.steps();
        ObjectMapper json = new ObjectMapper();
        ObjectNode out = json.createObjectNode();
        out.put("estimator", estimator);

        double[] estimate;
        List<double[]> traj;
        long jvps;
        Episode.Window window;
        String name = estimator.trim().toLowerCase(Locale.ROOT);
        if (name.equals("glocal") || name.startsWith("glocal:")) {
            Forward f = new Forward();
            f.begin(problem, lambda, z0);
            window = Episode.run(problem, lambda, z0, steps, s::batch, f);
            traj = window.trajectory();
            jvps = f.jvps();
            KoopmanEstimator k = new KoopmanEstimator(new KoopmanConfig(glocalDelays));
            Trajectory t = Trajectory.of(traj.toArray(new double[0][]));
            KoopmanResult r = k.estimate(t, glocalHorizon);
            estimate = r.estimate();
            ObjectNode ko = out.putObject("koopman");
            ko.put("fallback", r.fallback());
            ko.put("reason", r.reason().name());
            if (!r.detail().isEmpty()) {
                ko.put("detail", r.detail());
            }
            if (glocalHorizon != KoopmanEstimator.LIMIT) {
                ko.put("horizon", glocalHorizon);
            }
            ko.put("rank", r.rank());
            ko.put("delays", r.delays());
            if (Double.isFinite(r.skill())) {
                ko.put("skill", r.skill());
            }
            if (Double.isFinite(r.agreement())) {
                ko.put("agreement", r.agreement());
            }
            ArrayNode eig = ko.putArray("eigenvalues");
            for (int j = 0; j < r.spectrum().size(); j++) {
                eig.addArray().add(r.spectrum().real()[j]).add(r.spectrum().imaginary()[j]);
            }
            ArrayNode ext = ko.putArray("extrapolated");
            for (int j = 0; j < r.spectrum().size(); j++) {
                ext.add(r.spectrum().extrapolated(j));
            }
        } else {
            Estimators.Spec spec = Estimators.parse(estimator);
            double theta = 1.0;
            if (spec.fitsTheta()) {
                theta = ThetaRefit.fit(ThetaRefit.samples(problem, lambda, z0, steps, s::batch, Estimators.gammaOf(estimator), 0,
                        Double.POSITIVE_INFINITY).require());
                out.put("theta", theta);
            }
            HypergradientEstimator e = spec.create(theta, 0);
            e.begin(problem, lambda, z0);
            window = Episode.run(problem, lambda, z0, steps, s::batch, e);
            traj = window.trajectory();
            estimate = e.online() ? traj.get(traj.size() - 1) : e.estimate();
            jvps = e.jvps();
        }
        double valLoss = problem.val().value(window.state().w, InnerOptimizer.modelLambda(lambda, problem.train()), problem.valBatch());
        out.put("valLoss", valLoss);
        out.put("steps", steps);
        out.put("jvps", jvps);
        out.set("hypergradient", render(json, s, estimate));
        if (trajectory) {
            ArrayNode a = out.putArray("trajectory");
            for (double[] h : traj) {
                a.add(render(json, s, h));
            }
        }
        if (check != null) {
            double[] fd = finiteDifference(s, lambda, z0, fdStep);
            out.set("finiteDifference", render(json, s, fd));
            double d = 0, n = 0;
            for (int i = 0; i < fd.length; i++) {
                d += (estimate[i] - fd[i]) * (estimate[i] - fd[i]);
                n += fd[i] * fd[i];
            }
            out.put("relativeError", Math.sqrt(d) / Math.max(1e-300, Math.sqrt(n)));
        }
        System.out.println(json.writerWithDefaultPrettyPrinter().writeValueAsString(out));
        return ExitCode.OK;
    }

    private static long integer(String text, String s, String what, long min) {
        try {
            long v = Long.parseLong(s.trim());
            if (v >= min && v <= Integer.MAX_VALUE) {
                return v;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("estimator '" + text + "': " + what + " must be an integer ≥ " + min + ", got '" + s + "'");
    }

    /** Central differences of L_val(w_T(λ), λ), unrolled from z_0. */
    static double[] finiteDifference(BilevelSpec s, double[] lambda, InnerState z0, double h) {
        Bilevel p = s.bilevel();
        double[] g = new double[lambda.length];
        for (int j = 0; j < lambda.length; j++) {
            double[] a = lambda.clone();
            a[j] += h;
            double fp = unrolled(s, p, a, z0);
            a[j] -= 2 * h;
            g[j] = (fp - unrolled(s, p, a, z0)) / (2 * h);
        }
        return g;
    }

    private static double unrolled(BilevelSpec s, Bilevel p, double[] lambda, InnerState z0) {
        InnerState z = z0;
        for (int t = 1; t <= s.steps(); t++) {
            z = p.optimizer().update(z, lambda, s.batch(t), p.train());
        }
        return p.val().value(z.w, InnerOptimizer.modelLambda(lambda, p.train()), p.valBatch());
    }

    /** The hypergradient in the spec's shape: per layer {W, b} (null for inner layers), then lr and wd. */
    static ObjectNode render(ObjectMapper json, BilevelSpec s, double[] h) {
        ObjectNode o = json.createObjectNode();
        ArrayNode layers = o.putArray("layers");
        ParamLayout l = s.model().layout();
        for (int i = 0; i < s.layers().size(); i++) {
            BilevelSpec.LayerSpec ls = s.layers().get(i);
            if (ls.role() != Role.HYPER) {
                layers.addNull();
                continue;
            }
            ObjectNode layer = layers.addObject();
            int wOff = l.entry("layer" + (i + 1) + "/W").offset();
            ArrayNode w = layer.putArray("W");
            for (int r = 0; r < ls.out(); r++) {
                ArrayNode row = w.addArray();
                for (int c = 0; c < ls.in(); c++) {
                    row.add(h[wOff + r * ls.in() + c]);
                }
            }
            int bOff = l.entry("layer" + (i + 1) + "/b").offset();
            ArrayNode b = layer.putArray("b");
            for (int r = 0; r < ls.out(); r++) {
                b.add(h[bOff + r]);
            }
        }
        int k = l.size(Role.HYPER);
        if (s.hyperLearningRate()) {
            o.put("logLearningRate", h[k++]);
        }
        if (s.hyperWeightDecay()) {
            o.put("logWeightDecay", h[k]);
        }
        return o;
    }
}
