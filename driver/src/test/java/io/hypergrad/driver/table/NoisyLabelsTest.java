package io.hypergrad.driver.table;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.random.CounterRng;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Per-example weights for noisy labels (Meta-Weight-Net's shape: a weighting network maps each training
 * example's loss to its weight, and is λ): breast cancer with 35% of the training labels flipped and a
 * clean validation and test part, named by a split column — as a user with a small, carefully labelled
 * validation set would have it.
 */
class NoisyLabelsTest {
    @Test
    void aWeightingNetworkLearnsToDiscountFlippedLabels(@TempDir Path tmp) throws Exception {
        Path clean = RealTables.breastCancer(tmp.resolve("clean"));
        List<String> lines = Files.readAllLines(clean);
        StringBuilder noisy = new StringBuilder(lines.get(0)).append(",part\n");
        for (int i = 1; i < lines.size(); i++) {
            CounterRng rng = CounterRng.of(11, i);
            double u = rng.nextDouble();
            String part = u < 0.6 ? "train" : u < 0.8 ? "validation" : "test";
            String row = lines.get(i);
            if (part.equals("train") && rng.nextDouble() < 0.35) {
                row = row.endsWith("benign") ? row.replaceAll("benign$", "malignant") : row.replaceAll("malignant$", "benign");
            }
            noisy.append(row).append(',').append(part).append('\n');
        }
        Path csv = tmp.resolve("noisy.csv");
        Files.writeString(csv, noisy);
        RunConfig c = RunConfig.parse("""
                hypergrad {
                  problem = table
                  seed = 4
                  data { format = csv, path = "%s", label = diagnosis, split.column = part }
                  model { loss = binary_cross_entropy, layers = [ { type = dense, out = 16, activation = relu }, { type = dense } ] }
                  hyper { learningRate = constant, weightDecay = constant, exampleWeights = 32 }
                  inner { steps = 60, batchSize = 32, lr = 0.05, momentum = 0.9, weightDecay = 0 }
                  estimator = "one-step"
                  aggregator = sum
                  outer { optimizer = adam, lr = 0.05, schedule = constant }
                  rounds = 12
                  metaBatch = 2
                  eval.every = 0
                }
                """.formatted(csv.toString().replace("\\", "/")));
        Map<String, Object> summary = TableRunTest.run("local[2]", tmp.resolve("run").toString(), c, false, -1);
        Map<String, Object> initial = TableRunTest.test(summary, "initial");
        Map<String, Object> tuned = TableRunTest.test(summary, "tuned");
        System.out.println("noisy labels, clean test: initial λ " + initial + " → tuned λ " + tuned);
        assertTrue((double) tuned.get("logLoss") < (double) initial.get("logLoss"), "clean test log loss " + initial + " → " + tuned);
    }
}
