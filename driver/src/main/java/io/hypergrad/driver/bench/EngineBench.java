package io.hypergrad.driver.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hypergrad.common.inner.Loss;
import io.hypergrad.common.inner.Objectives;
import io.hypergrad.common.linalg.Blas;
import io.hypergrad.common.nn.Activation;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.Model;
import io.hypergrad.common.nn.Role;
import io.hypergrad.common.random.CounterRng;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code bench engine}: median milliseconds per call of one gradient sweep and of one
 * gradient + Hessian-vector-product sweep (forward-over-reverse), single-threaded, float64, on
 * (a) the MLP 784–256–256–10 (tanh, softmax cross-entropy) at batch 100 and (b) Conv-4 on 1×28×28 at
 * batch 100, each with the GFLOP/s its matrix products achieve (our sweep's GEMM operations over the
 * median time). With {@code --vs-pytorch} the PyTorch 1.13 peer script runs beside it, the two sides
 * timed in alternating blocks, and it prints ratios and the peer's GFLOP/s for the same operation count.
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

    /** Repetitions per block: each side times this many calls of a case, then the other side does. */
    static final int BLOCK = 3;

    /**
     * Runs the benchmark and prints one line per case. The cases are timed in blocks of {@link #BLOCK}
     * calls, ours and the peer's (when given) alternating, so that the load of a shared machine falls
     * on both sides alike; the figures are the medians over all blocks.
     *
     * @param conv4 supplies the Conv-4 setup, or null to time the MLP only
     * @param peer  the running PyTorch peer, or null
     * @param reps  timed calls per case and side
     */
    public static Map<String, Figure> run(Supplier<Setup> conv4, Peer peer, int warmup, int reps, PrintStream out) {
        out.println("# BLAS implementation: " + Blas.implementation() + "; threads: "
                + System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "unset") + " (OPENBLAS_NUM_THREADS)");
        Map<String, Runnable> calls = new LinkedHashMap<>();
        addCalls(calls, "mlp", mlp());
        if (conv4 != null) {
            addCalls(calls, "conv4", conv4.get());
        }
        Map<String, Long> flops = new LinkedHashMap<>();
        Map<String, List<Double>> ours = new LinkedHashMap<>();
        Map<String, List<Double>> theirs = new LinkedHashMap<>();
        for (Map.Entry<String, Runnable> e : calls.entrySet()) {
            for (int i = 0; i < warmup; i++) {
                e.getValue().run();
            }
            flops.put(e.getKey(), flopsOf(e.getValue()));
            ours.put(e.getKey(), new ArrayList<>());
            theirs.put(e.getKey(), new ArrayList<>());
        }
        for (int done = 0; done < reps; done += BLOCK) {
            int k = Math.min(BLOCK, reps - done);
            for (Map.Entry<String, Runnable> e : calls.entrySet()) {
                if (peer != null) {
                    theirs.get(e.getKey()).addAll(peer.time(e.getKey(), k));
                }
                e.getValue().run();
                for (int i = 0; i < k; i++) {
                    long start = System.nanoTime();
                    e.getValue().run();
                    ours.get(e.getKey()).add((System.nanoTime() - start) / 1e6);
                }
            }
        }
        out.println("# " + reps + " calls per case and side in blocks of " + BLOCK + ", sides alternating; medians."
                + " gflop = our matrix products in one call; GFLOP/s = gflop over each side's median time");
        Map<String, Figure> figures = new LinkedHashMap<>();
        for (String c : calls.keySet()) {
            Figure f = new Figure(median(ours.get(c)), flops.get(c));
            figures.put(c, f);
            String line = String.format("case=%s gflop=%.4f ours_ms=%.3f ours_gflops=%.1f", c, f.flops() / 1e9,
                    f.millis(), f.gflops(f.millis()));
            if (peer != null) {
                double peerMs = median(theirs.get(c));
                line += String.format(" pytorch_ms=%.3f pytorch_gflops=%.1f ratio=%.2f", peerMs, f.gflops(peerMs), f.millis() / peerMs);
            }
            out.println(line);
        }
        out.printf("# gradient+HVP / gradient: mlp %.2f%s%n", figures.get("mlp-hvp").millis() / figures.get("mlp-grad").millis(),
                figures.containsKey("conv4-grad")
                        ? String.format(", conv4 %.2f", figures.get("conv4-hvp").millis() / figures.get("conv4-grad").millis()) : "");
        return figures;
    }

    /** The gradient and gradient + HVP sweeps of one setup, as cases {@code name-grad} and {@code name-hvp}. */
    private static void addCalls(Map<String, Runnable> calls, String name, Setup s) {
        Loss loss = new Loss(s.model().layout(), Objectives.crossEntropy(s.model()));
        double[] w = s.model().layout().initialise(Role.INNER, CounterRng.of(5));
        double[] lam = new double[s.model().layout().size(Role.HYPER)];
        double[] u = new double[w.length];
        CounterRng rng = CounterRng.of(6);
        for (int i = 0; i < u.length; i++) {
            u[i] = rng.nextGaussian();
        }
        calls.put(name + "-grad", () -> loss.sweep(w, null, lam, s.batch()));
        calls.put(name + "-hvp", () -> loss.sweep(w, u, lam, s.batch()));
    }

    private static long flopsOf(Runnable call) {
        long before = Blas.gemmFlops();
        call.run();
        return Blas.gemmFlops() - before;
    }

    private static double median(List<Double> xs) {
        double[] t = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        int n = t.length;
        return n % 2 == 1 ? t[n / 2] : 0.5 * (t[n / 2 - 1] + t[n / 2]);
    }

    /**
     * The PyTorch peer ({@code deploy/bench/engine_bench.py --serve}) running beside us: it builds the
     * same cases, checks its HVPs once, then times blocks of a case on request.
     */
    public static final class Peer implements AutoCloseable {
        private final Process process;
        private final BufferedWriter requests;
        private final BufferedReader answers;

        private Peer(Process process) {
            this.process = process;
            this.requests = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
            this.answers = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        }

        /**
         * Starts the peer with the system Python.
         *
         * @throws IllegalStateException when the script is missing or cannot be started
         */
        public static Peer start(Path home) {
            Path script = home.resolve("deploy/bench/engine_bench.py");
            if (!Files.exists(script)) {
                throw new IllegalStateException("the PyTorch peer script is missing: " + script);
            }
            String python = Files.exists(Path.of("/usr/bin/python3")) ? "/usr/bin/python3" : "python3";
            try {
                return new Peer(new ProcessBuilder(python, script.toString(), "--serve")
                        .redirectError(ProcessBuilder.Redirect.INHERIT).start());
            } catch (IOException e) {
                throw new IllegalStateException("cannot run the PyTorch peer: " + e.getMessage(), e);
            }
        }

        /** The peer's milliseconds for each of {@code reps} calls of a case (after one untimed call). */
        List<Double> time(String c, int reps) {
            try {
                requests.write(c + " " + reps + "\n");
                requests.flush();
                String line = answers.readLine();
                if (line == null) {
                    throw new IllegalStateException("the PyTorch peer stopped (exit " + process.waitFor()
                            + "); it needs Debian's python3-torch: apt-get install python3-torch");
                }
                List<Double> ms = new ArrayList<>();
                new ObjectMapper().readTree(line).get("ms").forEach(n -> ms.add(n.asDouble()));
                return ms;
            } catch (IOException e) {
                throw new IllegalStateException("the PyTorch peer failed: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }

        @Override
        public void close() {
            try {
                requests.write("quit\n");
                requests.flush();
                process.waitFor();
            } catch (IOException e) {
                process.destroy();
            } catch (InterruptedException e) {
                process.destroy();
                Thread.currentThread().interrupt();
            }
        }
    }
}
