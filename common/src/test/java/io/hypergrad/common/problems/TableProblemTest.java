package io.hypergrad.common.problems;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.data.FeatureColumn;
import io.hypergrad.common.data.Table;
import io.hypergrad.common.data.TableSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The table problem's hand-over of what it tuned: each layer's learning rate read from its own λ entry. */
class TableProblemTest {
    /** 40 rows of two features and a two-class label; no Spark needed to build a Table. */
    static Table tiny() {
        int n = 40;
        float[] x = new float[2 * n];
        String[] y = new String[n];
        for (int i = 0; i < n; i++) {
            x[2 * i] = i;
            x[2 * i + 1] = (i * 7) % 5;
            y[i] = i % 2 == 0 ? "even" : "odd";
        }
        return Table.build(TableSpec.of("csv", "tiny.csv", "label", true), Map.of("source", "tiny"),
                List.of(new FeatureColumn("a", FeatureColumn.Kind.NUMBER, 1), new FeatureColumn("b", FeatureColumn.Kind.NUMBER, 1)),
                x, y, null, null, null);
    }

    @Test
    void exportedLearningRatesComeFromTheOptimisersEntriesEvenWithAWeightingNetwork() {
        RunConfig c = RunConfig.parse("""
                hypergrad {
                  problem = table
                  model { loss = softmax_cross_entropy, layers = [ { type = dense, out = 4, activation = relu }, { type = dense } ] }
                  hyper { learningRate = per-layer, weightDecay = constant, exampleWeights = 3 }
                  inner { lr = 0.05, weightDecay = 0 }
                }
                """);
        TableProblem p = new TableProblem(c, tiny());
        double[] lambda = p.initialLambda(0);
        int optimiserStart = p.layout().size(io.hypergrad.common.nn.Role.HYPER);
        lambda[optimiserStart] = Math.log(0.2);
        lambda[optimiserStart + 1] = Math.log(0.01);
        LearnedNetwork net = p.learnedNetwork(lambda, p.initialPhi(0), 0);
        // The weighting network's λ (3·1 + 3 + 3 + 1 = 10 entries) sits between the layers' λ (none here) and the
        // learning rates: read through the network's own layout it must be skipped, not taken for them.
        assertEquals(0.2, net.optimizers().get("dense1").learningRate(), 1e-12);
        assertEquals(0.01, net.optimizers().get("dense2").learningRate(), 1e-12);
    }
}
