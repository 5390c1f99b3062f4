package io.hypergrad.driver.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypergrad.common.inner.Loss;
import io.hypergrad.common.inner.Objectives;
import io.hypergrad.common.linalg.Blas;
import io.hypergrad.common.nn.Activation;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.Model;
import io.hypergrad.common.nn.Role;
import io.hypergrad.common.random.CounterRng;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code bench engine}: median milliseconds per call of one gradient sweep and of one
 * gradient + Hessian-vector-product sweep (forward-over-reverse), single-threaded, float64, on
 * (a) the MLP 784–256–256–10 (tanh, softmax cross-entropy) at batch 100 and (b) Conv-4 on 1×28×28 at
 * batch 100, each with the GFLOP/s its matrix products achieve (our sweep's GEMM operations over the
 * median time). With {@code --vs-pytorch} it also runs the PyTorch 1.13 peer script and prints ratios
 * and the peer's GFLOP/s for the same operation count.
 */
public final class EngineBench {
    /** The cases, in print order. */
    public static final List<String> CASES = List.of("mlp-grad", "mlp-hvp", "conv4-grad", "conv4-hvp");

    private EngineBench() {}

    /** A model with all parameters inner (as the peer takes gradients w.r.t. all), and its data. */
    public record Setup(Model model, Batch batch) {}

    public static Setup mlp() {
        Model m = Model.mlp(new int[] {784, 256, 256, 10}, Activation.TANH, 0);
        return new Setup(m, randomBatch(new int[] {784}, 100, 10));
    }

    /** Conv-4 (32 channels, BN, ReLU, max-pool) on 1×28×28, 10 classes, every parameter inner. */
    public static Setup conv4() {
        Model m = io.hypergrad.common.nn.Networks.conv4(1, 28, 32, 10, 0);
        return new Setup(m, randomBatch(new int[] {1, 28, 28}, 100, 10));
    }

    static Batch randomBatch(int[] featureShape, int n, int classes) {
        CounterRng rng = CounterRng.of(1234, 1);
        int f = 1;
        for (int d : featureShape) {
            f *= d;
        }
        double[] x = new double[n * f];
        for (int i = 0; i < x.length; i++) {
            x[i] = rng.nextDouble();
        }
        int[] y = new int[n];
        for (int i = 0; i < n; i++) {
            y[i] = rng.nextInt(classes);
        }
        return new Batch(x, featureShape, y, null);
    }

    /** One case's figures: median milliseconds and the GEMM operations of one call. */
    public record Figure(double millis, long flops) {
        /** Achieved GFLOP/s of the matrix products at the given time. */
        public double gflops(double ms) {
            return flops / (ms * 1e6);
        }
    }

    /** Median ms and GEMM operations of the gradient and of gradient + HVP for one setup. */
    static Figure[] measure(Setup s, int warmup, int reps) {
        Loss loss = new Loss(s.model().layout(), Objectives.crossEntropy(s.model()));
        double[] w = s.model().layout().initialise(Role.INNER, CounterRng.of(5));
        double[] lam = new double[s.model().layout().size(Role.HYPER)];
        double[] u = new double[w.length];
        CounterRng rng = CounterRng.of(6);
        for (int i = 0; i < u.length; i++) {
            u[i] = rng.nextGaussian();
        }
        Runnable grad = () -> loss.sweep(w, null, lam, s.batch());
        Runnable hvp = () -> loss.sweep(w, u, lam, s.batch());
        return new Figure[] {new Figure(Timing.medianMillis(grad, warmup, reps), flopsOf(grad)),
                new Figure(Timing.medianMillis(hvp, warmup, reps), flopsOf(hvp))};
    }

    private static long flopsOf(Runnable call) {
        long before = Blas.gemmFlops();
        call.run();
        return Blas.gemmFlops() - before;
    }

    /**
     * Runs the benchmark and prints one line per case.
     *
     * @param conv4     supplies the Conv-4 setup, or null when this build has no convolutions yet
     * @param pytorch   the peer's figures by case name, or null
     */
    public static Map<String, Figure> run(Supplier<Setup> conv4, Map<String, Double> pytorch, int warmup, int reps, PrintStream out) {
        out.println("# BLAS implementation: " + Blas.implementation() + "; threads: "
                + System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "unset") + " (OPENBLAS_NUM_THREADS)");
        Map<String, Figure> ours = new LinkedHashMap<>();
        Figure[] mlp = measure(mlp(), warmup, reps);
        ours.put("mlp-grad", mlp[0]);
        ours.put("mlp-hvp", mlp[1]);
        if (conv4 != null) {
            Figure[] c = measure(conv4.get(), warmup, reps);
            ours.put("conv4-grad", c[0]);
            ours.put("conv4-hvp", c[1]);
        }
        out.println("# gflop = the matrix products of one call; GFLOP/s = gflop over each side's median time");
        for (Map.Entry<String, Figure> e : ours.entrySet()) {
            Figure f = e.getValue();
            Double peer = pytorch == null ? null : pytorch.get(e.getKey());
            String line = String.format("case=%s gflop=%.4f ours_ms=%.3f ours_gflops=%.1f", e.getKey(), f.flops() / 1e9,
                    f.millis(), f.gflops(f.millis()));
            if (peer != null) {
                line += String.format(" pytorch_ms=%.3f pytorch_gflops=%.1f ratio=%.2f", peer, f.gflops(peer), f.millis() / peer);
            }
            out.println(line);
        }
        if (ours.containsKey("mlp-grad")) {
            out.printf("# gradient+HVP / gradient: mlp %.2f%s%n", ours.get("mlp-hvp").millis() / ours.get("mlp-grad").millis(),
                    ours.containsKey("conv4-grad")
                            ? String.format(", conv4 %.2f", ours.get("conv4-hvp").millis() / ours.get("conv4-grad").millis()) : "");
        }
        return ours;
    }

    /**
     * Runs {@code deploy/bench/engine_bench.py --json} with the system Python and returns its medians.
     *
     * @throws IllegalStateException with the peer's own message when Python or PyTorch is missing
     */
    public static Map<String, Double> runPytorch(Path home, int reps) {
        Path script = home.resolve("deploy/bench/engine_bench.py");
        if (!Files.exists(script)) {
            throw new IllegalStateException("the PyTorch peer script is missing: " + script);
        }
        String python = Files.exists(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
        try {
            Process p = new ProcessBuilder(python, script.toString(), "--json", "--reps", String.valueOf(reps))
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            String stdout = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IllegalStateException("the PyTorch peer failed (exit " + p.exitValue()
                        + "); it needs Debian's python3-torch: apt-get install python3-torch");
            }
            JsonNode n = new ObjectMapper().readTree(stdout);
            Map<String, Double> out = new LinkedHashMap<>();
            for (String c : CASES) {
                if (n.has(c)) {
                    out.put(c, n.get(c).asDouble());
                }
            }
            return out;
        } catch (IOException e) {
            throw new IllegalStateException("cannot run the PyTorch peer: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
