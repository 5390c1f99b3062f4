package io.hypergrad.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hypergradient command on the shipped example specs, and its errors on malformed ones. */
class HypergradientCommandTest {
    static final ObjectMapper JSON = new ObjectMapper();

    record Out(int code, String stdout, String stderr) {
        JsonNode json() throws Exception {
            return JSON.readTree(stdout);
        }
    }

    static Out run(String... args) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        ByteArrayOutputStream e = new ByteArrayOutputStream();
        PrintStream old = System.out;
        System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
        try {
            int code = Main.execute(System.out, new PrintStream(e, true, StandardCharsets.UTF_8), args);
            return new Out(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(old);
        }
    }

    static Path example(String name) {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.exists(p.resolve("conf/examples/" + name))) {
            p = p.getParent();
        }
        return p.resolve("conf/examples/" + name);
    }

    static double relative(JsonNode a, JsonNode b) {
        double[] d = {0, 0};
        walk(a, b, d);
        return Math.sqrt(d[0]) / Math.sqrt(d[1]);
    }

    private static void walk(JsonNode a, JsonNode b, double[] d) {
        if (a.isNumber()) {
            d[0] += Math.pow(a.asDouble() - b.asDouble(), 2);
            d[1] += b.asDouble() * b.asDouble();
        } else if (a.isContainerNode()) {
            for (int i = 0; i < a.size(); i++) {
                if (a.isArray()) {
                    walk(a.get(i), b.get(i), d);
                }
            }
            a.fieldNames().forEachRemaining(f -> walk(a.get(f), b.get(f), d));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"hypergradient-mlp.json", "hypergradient-mse.json"})
    void reverseEqualsForwardEqualsFiniteDifferencesOnTheExamples(String name) throws Exception {
        String spec = example(name).toString();
        Out rev = run("hypergradient", "--spec", spec, "--estimator", "reverse", "--check", "fd");
        Out fwd = run("hypergradient", "--spec", spec, "--estimator", "forward");
        Out tr = run("hypergradient", "--spec", spec, "--estimator", "truncated:" + rev.json().get("steps").asInt());
        assertEquals(0, rev.code(), rev.stderr());
        // Exact in two orders: only round-off separates them.
        assertTrue(relative(rev.json().get("hypergradient"), fwd.json().get("hypergradient")) <= 1e-8);
        // Central differences at step 1e-5 carry ≈ 1e-10 relative error.
        assertTrue(rev.json().get("relativeError").asDouble() <= 1e-6, rev.stdout());
        assertEquals(rev.json().get("hypergradient"), tr.json().get("hypergradient"));
        assertTrue(rev.json().get("hypergradient").get("layers").get(1).isNull(), "inner layers print null");
    }

    @Test
    void onlineEstimatorsPrintTheirTrajectory() throws Exception {
        Out o = run("hypergradient", "--spec", example("hypergradient-mlp.json").toString(), "--estimator", "one-step", "--trajectory");
        assertEquals(0, o.code(), o.stderr());
        assertEquals(20, o.json().get("trajectory").size());
        assertEquals(o.json().get("hypergradient"), o.json().get("trajectory").get(19));
        Out off = run("hypergradient", "--spec", example("hypergradient-mlp.json").toString(), "--estimator", "reverse", "--trajectory");
        assertEquals(ExitCode.USAGE, off.code());
        assertTrue(off.stderr().contains("online estimator"), off.stderr());
    }

    static Out withSpec(Path dir, Consumer<ObjectNode> edit) throws Exception {
        ObjectNode s = (ObjectNode) JSON.readTree(example("hypergradient-mlp.json").toFile());
        edit.accept(s);
        Path p = dir.resolve("spec.json");
        JSON.writeValue(p.toFile(), s);
        return run("hypergradient", "--spec", p.toString(), "--estimator", "reverse");
    }

    @Test
    void badSpecsExitWithUsageAndNameTheField(@TempDir Path dir) throws Exception {
        Object[][] cases = {
            {(Consumer<ObjectNode>) s -> ((ArrayNode) s.get("layers").get(0).get("W").get(3)).remove(0), "layers[0].W: row 3 has 3 numbers, expected 4"},
            {(Consumer<ObjectNode>) s -> ((ObjectNode) s.get("layers").get(1)).put("in", 7), "layers[1].in: 7 does not match the previous layer's out 8"},
            {(Consumer<ObjectNode>) s -> ((ObjectNode) s.get("layers").get(0)).put("activation", "swish"), "layers[0].activation"},
            {(Consumer<ObjectNode>) s -> s.put("loss", "hinge"), "loss: unknown loss 'hinge'"},
            {(Consumer<ObjectNode>) s -> ((ArrayNode) s.get("train").get("y")).set(2, 3), "train.y[2]: 3 is not a class label in [0, 3)"},
            {(Consumer<ObjectNode>) s -> ((ArrayNode) s.get("val").get("x").get(0)).set(1, JSON.getNodeFactory().textNode("NaN")), "val.x[0][1]"},
            {(Consumer<ObjectNode>) s -> ((ArrayNode) s.get("inner").get("batches").get(0)).set(0, 99), "inner.batches[0][0]: 99 is not an index"},
            {(Consumer<ObjectNode>) s -> s.put("extra", 1), "$.extra: unknown field"},
            {(Consumer<ObjectNode>) s -> ((ArrayNode) s.get("hyper")).add("momentum"), "hyper[3]: unknown hyperparameter 'momentum'"},
            {(Consumer<ObjectNode>) s -> ((ObjectNode) s.get("inner")).remove("steps"), "inner.steps"},
        };
        for (Object[] c : cases) {
            @SuppressWarnings("unchecked")
            Out o = withSpec(dir, (Consumer<ObjectNode>) c[0]);
            assertEquals(ExitCode.USAGE, o.code(), "for " + c[1] + ": " + o.stderr());
            assertTrue(o.stderr().contains((String) c[1]), "expected '" + c[1] + "' in: " + o.stderr());
        }
        Out unknown = run("hypergradient", "--spec", example("hypergradient-mlp.json").toString(), "--estimator", "magic");
        assertEquals(ExitCode.USAGE, unknown.code());
        assertTrue(unknown.stderr().contains("known:"), unknown.stderr());
    }

    @Test
    void unknownCommandsPrintUsageAndExitTwo() {
        Out o = run("frobnicate");
        assertEquals(ExitCode.USAGE, o.code());
        assertTrue(o.stderr().contains("Unmatched argument") || o.stderr().contains("frobnicate"), o.stderr());
    }
}
