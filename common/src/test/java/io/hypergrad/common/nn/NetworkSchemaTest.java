package io.hypergrad.common.nn;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.autodiff.Tape;
import io.hypergrad.common.autodiff.Var;
import io.hypergrad.common.inner.Loss;
import io.hypergrad.common.inner.SweepCheck;
import io.hypergrad.common.random.CounterRng;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The one layer schema: plain maps (as HOCON's unwrapped() or Jackson give them) → parsed definitions →
 * a {@link Model} built for an input shape and a loss's width; errors name the path of the field.
 */
class NetworkSchemaTest {
    private static final String WHERE = "hypergrad.model.layers";

    private static NetworkSchema parse(List<Map<String, Object>> layers) {
        return NetworkSchema.parse(layers, WHERE);
    }

    private static Map<String, Object> layer(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static String error(List<Map<String, Object>> layers) {
        return assertThrows(NetworkSchema.SchemaException.class, () -> parse(layers)).getMessage();
    }

    private static Var forward(Model m, Batch b) {
        Tape t = new Tape();
        ParamLayout l = m.layout();
        return m.forward(t, l.bind(t, l.initialise(Role.INNER, CounterRng.of(1)), null, l.initialise(Role.HYPER, CounterRng.of(2))), b);
    }

    private static Batch vectors(int n, int width, long seed) {
        CounterRng r = CounterRng.of(seed);
        double[] x = new double[n * width];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextGaussian();
        }
        return new Batch(x, new int[] {width}, new int[n], null);
    }

    // ---------------------------------------------------------------- parse → build → forward

    @Test
    void anMlpWithDefaultsBuildsAndItsLastDenseTakesTheLossWidth() {
        NetworkSchema s = parse(List.of(
                layer("type", "dense", "out", 16, "activation", "gelu", "role", "hyper"),
                layer("type", "dropout", "rate", 0.25),
                layer("type", "dense", "out", 8L, "activation", "relu", "bias", false),
                layer("type", "dense")));
        Model m = s.build(new int[] {5}, 3, true);
        List<String> names = m.slots().stream().map(Model.Slot::name).toList();
        assertEquals(List.of("dense1", "dense1-gelu", "dropout1", "dense2", "dense2-relu", "dense3"), names);
        assertEquals(5 * 16 + 16, m.layout().size(Role.HYPER));
        assertEquals(16 * 8 + 8 * 3 + 3, m.layout().size(Role.INNER), "dense2 has no bias");
        assertArrayEquals(new int[] {4, 3}, forward(m, vectors(4, 5, 1)).shape());
        assertEquals(5 * 16 + 16 + 16 * 8 + 8 * 3 + 3, s.parameterCount(new int[] {5}, 3));
    }

    @Test
    void aConvNetInfersChannelsAndSpatialSizesAndFlattensBeforeDense() {
        NetworkSchema s = parse(List.of(
                layer("type", "conv2d", "out", 4, "activation", "relu", "role", "hyper"),
                layer("type", "batchnorm", "role", "hyper"),
                layer("type", "maxpool"),
                layer("type", "conv2d", "out", 6.0, "kernel", 3, "stride", 2, "padding", 1),
                layer("type", "avgpool", "size", 2),
                layer("type", "tanh"),
                layer("type", "dense", "name", "head")));
        Model m = s.build(new int[] {2, 12, 12}, 5, false);
        // 12 →(same) 12 →pool 6 →(k3, s2, p1) 3 →pool 1: 6 channels × 1 × 1 into the head
        assertEquals(6 * 5 + 5, m.layout().entry("head/W").size() + m.layout().entry("head/b").size());
        assertEquals(List.of("conv1", "bn1"), m.layout().groups(Role.HYPER).stream().map(ParamLayout.Group::name).toList());
        CounterRng r = CounterRng.of(3);
        double[] x = new double[3 * 2 * 12 * 12];
        for (int i = 0; i < x.length; i++) {
            x[i] = r.nextDouble();
        }
        assertArrayEquals(new int[] {3, 5}, forward(m, new Batch(x, new int[] {2, 12, 12}, null, null)).shape());
    }

    @Test
    void theCanonicalFormRoundTripsAndResolvesEveryDefault() {
        NetworkSchema s = parse(List.of(
                layer("type", "conv2d", "out", 3, "stride", 2),
                layer("type", "flatten"),
                layer("type", "dropout"),
                layer("type", "dense", "name", "out")));
        List<Map<String, Object>> maps = s.toMaps();
        assertEquals(Map.of("type", "conv2d", "name", "conv1", "out", 3, "kernel", 3, "stride", 2, "padding", 0,
                "activation", "identity", "role", "inner"), maps.get(0));
        assertEquals(Map.of("type", "dropout", "name", "dropout1", "rate", 0.5), maps.get(2));
        assertFalse(maps.get(3).containsKey("out"), "an omitted last out stays omitted");
        assertEquals(s, parse(maps));
        assertEquals(s.toMaps(), parse(maps).toMaps());
        assertTrue(s.describe().lines().findFirst().orElseThrow().startsWith("conv1"), s.describe());
        assertEquals(4, s.describe().lines().count());
    }

    @Test
    void activationLayersStandAlone() {
        NetworkSchema s = parse(List.of(layer("type", "dense", "out", 4), layer("type", "sigmoid"), layer("type", "gelu"),
                layer("type", "identity"), layer("type", "dense")));
        Model m = s.build(new int[] {3}, 2, true);
        assertSame(Activation.SIGMOID, m.slots().get(1).layer());
        assertSame(Activation.GELU, m.slots().get(2).layer());
        assertEquals("identity1", m.slots().get(3).name());
    }

    // ---------------------------------------------------------------- errors name the path

    @Test
    void anInvalidNumberNamesItsPath() {
        assertEquals("hypergrad.model.layers[2].out: expected a positive integer, got -3", error(List.of(
                layer("type", "dense", "out", 4), layer("type", "relu"), layer("type", "dense", "out", -3))));
        assertEquals("hypergrad.model.layers[0].out: expected a positive integer, got '3'",
                error(List.of(layer("type", "dense", "out", "3"))));
        assertEquals("hypergrad.model.layers[0].out: expected a positive integer, got 2.5",
                error(List.of(layer("type", "dense", "out", 2.5))));
        assertEquals("hypergrad.model.layers[0].rate: expected a number in [0, 1), got 1.0",
                error(List.of(layer("type", "dropout", "rate", 1.0), layer("type", "dense"))));
    }

    @Test
    void anUnknownFieldNamesTheKnownFields() {
        assertEquals("hypergrad.model.layers[0].size: unknown field for a dense layer; known: activation, bias, name, out, role, type",
                error(List.of(layer("type", "dense", "out", 2, "size", 3))));
        assertTrue(error(List.of(layer("type", "flatten", "role", "hyper"))).startsWith(
                "hypergrad.model.layers[0].role: unknown field for a flatten layer; known: name, type"));
    }

    @Test
    void anUnknownTypeListsTheKnownTypes() {
        assertEquals("hypergrad.model.layers[1].type: unknown layer type 'lstm'; known: dense, conv2d, batchnorm, maxpool, "
                + "avgpool, flatten, dropout, relu, tanh, sigmoid, gelu, identity",
                error(List.of(layer("type", "dense", "out", 2), layer("type", "lstm"))));
        assertTrue(error(List.of(layer("out", 2))).startsWith("hypergrad.model.layers[0].type: missing; known types: dense"));
    }

    @Test
    void unknownActivationsAndRolesAreListed() {
        assertEquals("hypergrad.model.layers[0].activation: unknown activation 'swish'; known: identity, tanh, relu, sigmoid, gelu",
                error(List.of(layer("type", "dense", "activation", "swish"))));
        assertEquals("hypergrad.model.layers[0].role: unknown role 'frozen'; known: inner, hyper",
                error(List.of(layer("type", "batchnorm", "role", "frozen"))));
    }

    @Test
    void onlyTheLastDenseMayOmitItsWidth() {
        assertTrue(error(List.of(layer("type", "dense"), layer("type", "dense", "out", 2)))
                .startsWith("hypergrad.model.layers[0].out: missing: only the last layer may omit it"));
        assertTrue(error(List.of(layer("type", "conv2d"))).startsWith("hypergrad.model.layers[0].out: missing"));
    }

    @Test
    void namesMustBeUniqueIncludingTheActivationLayersTheyImply() {
        assertEquals("hypergrad.model.layers[1].name: the layer name 'dense1' is already taken by hypergrad.model.layers[0]",
                error(List.of(layer("type", "dense", "out", 2), layer("type", "dense", "name", "dense1"))));
        assertTrue(error(List.of(layer("type", "dense", "out", 2, "activation", "relu"), layer("type", "relu", "name", "dense1-relu")))
                .startsWith("hypergrad.model.layers[1].name: the layer name 'dense1-relu' is already taken"));
        assertTrue(error(List.of(layer("type", "dense", "name", "a/b"))).startsWith("hypergrad.model.layers[0].name: expected a non-empty name"));
        assertEquals("hypergrad.model.layers: expected a non-empty list of layers", error(new ArrayList<>()));
    }

    @Test
    void shapesThatDoNotFitNameTheLayer() {
        NetworkSchema conv = parse(List.of(layer("type", "conv2d", "out", 2), layer("type", "dense")));
        String flat = assertThrows(IllegalArgumentException.class, () -> conv.build(new int[] {784}, 10, true)).getMessage();
        assertTrue(flat.startsWith("hypergrad.model.layers[0]: conv2d needs image inputs [C, H, W], but its input has shape [784]"), flat);
        assertTrue(flat.contains("hypergrad.data.shape = [C, H, W]"), flat);

        NetworkSchema pools = parse(List.of(layer("type", "maxpool"), layer("type", "maxpool"), layer("type", "dense")));
        String shrink = assertThrows(IllegalArgumentException.class, () -> pools.build(new int[] {1, 3, 3}, 2, true)).getMessage();
        assertEquals("hypergrad.model.layers[1]: a 2×2 pool shrinks its 1×1 input [1, 1, 1] below 1×1", shrink);

        NetworkSchema wide = parse(List.of(layer("type", "dense", "out", 4)));
        String width = assertThrows(IllegalArgumentException.class, () -> wide.build(new int[] {3}, 2, true)).getMessage();
        assertTrue(width.startsWith("hypergrad.model.layers: the network ends with outputs of shape [4] per example, but the loss needs 2"), width);

        assertTrue(error(List.of(layer("type", "conv2d", "out", 2, "kernel", 2))).startsWith(
                "hypergrad.model.layers[0].padding: \"same\" needs an odd kernel"));
    }

    // ---------------------------------------------------------------- dropout

    private static final NetworkSchema WITH_DROPOUT = NetworkSchema.parse(List.of(
            Map.of("type", "dense", "out", 64, "activation", "tanh"),
            Map.of("type", "dropout", "rate", 0.5),
            Map.of("type", "dense")), WHERE);

    /** The dropout layer's output (the input of the last dense) on a batch. */
    private static double[] dropped(Model m, Batch b) {
        Model upToDropout = Model.builder().add("dense1", m.slots().get(0).layer(), Role.INNER)
                .add("dense1-tanh", m.slots().get(1).layer()).add("dropout1", m.slots().get(2).layer()).build();
        return forward(upToDropout, b).v.clone();
    }

    @Test
    void dropoutIsDeterministicPerBatchAndDiffersAcrossBatches() {
        Model m = WITH_DROPOUT.build(new int[] {3}, 2, true);
        Batch a = vectors(8, 3, 1);
        Batch b = vectors(8, 3, 2);
        double[] first = dropped(m, a);
        assertArrayEquals(first, dropped(m, a), 0.0, "recomputing the same step gives the same mask");
        assertArrayEquals(first, dropped(WITH_DROPOUT.build(new int[] {3}, 2, true), a), 0.0, "a rebuilt model too");
        long zeros = java.util.Arrays.stream(first).filter(v -> v == 0.0).count();
        assertTrue(zeros > 8 * 64 * 0.4 && zeros < 8 * 64 * 0.6, zeros + " of 512 dropped at rate 0.5");
        double[] other = dropped(m, b);
        boolean[] maskA = new boolean[first.length];
        int sameMask = 0;
        for (int i = 0; i < first.length; i++) {
            maskA[i] = first[i] == 0.0;
            sameMask += maskA[i] == (other[i] == 0.0) ? 1 : 0;
        }
        assertTrue(sameMask < first.length * 0.6, "independent masks agree on about half the elements, got " + sameMask);
    }

    @Test
    void dropoutScalesKeptElementsAndIsTheIdentityForInference() {
        Batch a = vectors(8, 3, 1);
        double[] train = dropped(WITH_DROPOUT.build(new int[] {3}, 2, true), a);
        Model inference = WITH_DROPOUT.build(new int[] {3}, 2, false);
        double[] eval = dropped(inference, a);
        for (int i = 0; i < train.length; i++) {
            assertTrue(train[i] == 0.0 || Math.abs(train[i] - 2 * eval[i]) <= 1e-15 * Math.abs(eval[i]), "kept × 1/(1 − 0.5)");
        }
        assertInstanceOf(Dropout.class, inference.slots().get(2).layer());
        assertFalse(((Dropout) inference.slots().get(2).layer()).training());
        Model training = WITH_DROPOUT.build(new int[] {3}, 2, true);
        assertEquals(training.layout().entries(), inference.layout().entries(), "same ParamLayout");
        assertArrayEquals(forward(inference, a).v, forward(training.inference(), a).v, 0.0);
    }

    @Test
    void twoDropoutLayersDrawDifferentMasks() {
        Dropout d = new Dropout(0.5, true);
        assertNotEquals(java.util.Arrays.toString(d.mask(42, "dropout1", 64)), java.util.Arrays.toString(d.mask(42, "dropout2", 64)));
        assertArrayEquals(d.mask(42, "dropout1", 64), d.mask(42, "dropout1", 64), 0.0);
    }

    @Test
    void aModelWithDropoutAndGeluIsExactAsAWhole() {
        // The mask is a constant of the batch, so the loss is a smooth function of w and λ and its
        // gradient and mixed HVP match central finite differences (SweepCheck's tolerances).
        NetworkSchema s = NetworkSchema.parse(List.of(
                Map.of("type", "dense", "out", 6, "activation", "gelu", "role", "hyper"),
                Map.of("type", "dropout", "rate", 0.3),
                Map.of("type", "dense", "out", 5, "activation", "gelu"),
                Map.of("type", "dense")), WHERE);
        Model m = s.build(new int[] {4}, 3, true);
        Batch b = vectors(6, 4, 9);
        b = new Batch(b.x(), b.featureShape(), new int[] {0, 1, 2, 0, 1, 2}, null);
        Loss loss = new Loss(m.layout(), (tape, p, batch) -> LossFunction.SOFTMAX_CROSS_ENTROPY.mean(m.forward(tape, p, batch), batch));
        double[] w = m.layout().initialise(Role.INNER, CounterRng.of(5));
        CounterRng r = CounterRng.of(6);
        double[] u = new double[w.length];
        for (int i = 0; i < u.length; i++) {
            u[i] = r.nextGaussian();
        }
        SweepCheck.assertExact(loss, w, m.layout().initialise(Role.HYPER, CounterRng.of(7)), u, b);
    }

    @Test
    void aDropoutLayerCalledOutsideAModelSaysWhy() {
        Tape t = new Tape();
        Var x = t.constant(new double[4], 2, 2);
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> new Dropout(0.5, true).forward(x, null, "drop"));
        assertTrue(e.getMessage().contains("Model.forward"), e.getMessage());
        assertSame(x, new Dropout(0.5, false).forward(x, null, "drop"));
    }
}
