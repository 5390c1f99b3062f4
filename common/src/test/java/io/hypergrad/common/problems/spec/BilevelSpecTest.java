package io.hypergrad.common.problems.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hypergrad.common.autodiff.Tape;
import io.hypergrad.common.inner.InnerOptimizer;
import io.hypergrad.common.nn.Bound;
import io.hypergrad.common.nn.LossFunction;
import io.hypergrad.common.nn.Model;
import io.hypergrad.common.nn.Role;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The hypergradient spec's layers and losses, read through the one layer schema. */
class BilevelSpecTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A 2 → 3 (tanh, λ) → out network on four training and two validation examples. */
    private static ObjectNode spec(String loss, int out, String trainY, String valY) throws Exception {
        StringBuilder w2 = new StringBuilder();
        for (int r = 0; r < out; r++) {
            w2.append(r == 0 ? "" : ",").append("[0.1, -0.2, 0.3]");
        }
        String b2 = "[" + "0.0,".repeat(out - 1) + "0.0]";
        return (ObjectNode) JSON.readTree("""
                {"loss": "%s",
                 "layers": [
                   {"in": 2, "out": 3, "activation": "tanh", "role": "hyper", "W": [[0.5, -1], [0.2, 0.3], [-0.4, 0.8]], "b": [0, 0.1, -0.1]},
                   {"in": 3, "out": %d, "activation": "identity", "role": "inner", "W": [%s], "b": %s}],
                 "train": {"x": [[1, 2], [0, -1], [0.5, 0.5], [-2, 1]], "y": %s},
                 "val": {"x": [[1, 1], [-1, 0]], "y": %s},
                 "inner": {"lr": 0.1, "steps": 3}}
                """.formatted(loss, out, w2, b2, trainY, valY));
    }

    private static double trainLoss(BilevelSpec s) {
        InnerOptimizer opt = s.optimizer();
        Tape tape = new Tape();
        Bound p = s.model().layout().bind(tape, s.z0(opt).w, null,
                java.util.Arrays.copyOf(s.lambda(opt), s.model().layout().size(Role.HYPER)));
        return s.objective().loss(tape, p, s.batch(1)).item();
    }

    @Test
    void layersBecomeSchemaDenseLayersNamedLayerN() throws Exception {
        BilevelSpec s = BilevelSpec.parse(spec("softmax_cross_entropy", 2, "[0, 1, 1, 0]", "[1, 0]"));
        Model m = s.model();
        assertEquals(List.of("layer1", "layer1-tanh", "layer2"), m.slots().stream().map(Model.Slot::name).toList());
        assertEquals(2 * 3 + 3, m.layout().size(Role.HYPER));
        assertEquals(LossFunction.SOFTMAX_CROSS_ENTROPY, s.loss());
    }

    @Test
    void binaryCrossEntropyReadsZeroOneLabelsOnOneLogit() throws Exception {
        BilevelSpec s = BilevelSpec.parse(spec("binary_cross_entropy", 1, "[0, 1, 1, 0]", "[1, 0]"));
        double l = trainLoss(s);
        assertTrue(l > 0 && Double.isFinite(l), "loss " + l);
        SpecException wide = assertThrows(SpecException.class, () -> BilevelSpec.parse(spec("binary_cross_entropy", 2, "[0, 1, 1, 0]", "[1, 0]")));
        assertEquals("layers[1].out: binary_cross_entropy needs 1 output (a logit) per example, got 2", wide.getMessage());
        SpecException label = assertThrows(SpecException.class, () -> BilevelSpec.parse(spec("binary_cross_entropy", 1, "[0, 2, 1, 0]", "[1, 0]")));
        assertTrue(label.getMessage().startsWith("train.y[1]: 2 is not a class label in [0, 2)"), label.getMessage());
    }

    @Test
    void huberReadsRealTargets() throws Exception {
        BilevelSpec s = BilevelSpec.parse(spec("huber", 1, "[[0.5], [-3], [1], [0]]", "[[2], [0]]"));
        double l = trainLoss(s);
        assertTrue(l > 0 && Double.isFinite(l), "loss " + l);
    }

    @Test
    void anUnknownLossListsTheKnownOnes() throws Exception {
        SpecException e = assertThrows(SpecException.class, () -> BilevelSpec.parse(spec("hinge", 1, "[0, 1, 1, 0]", "[1, 0]")));
        assertEquals("loss: unknown loss 'hinge'; known: softmax_cross_entropy, binary_cross_entropy, mse, huber", e.getMessage());
    }
}
