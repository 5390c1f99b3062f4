package io.hypergrad.driver.round;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.typesafe.config.ConfigFactory;
import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.inner.Curvature;
import io.hypergrad.common.inner.Loss;
import io.hypergrad.common.nn.Role;
import io.hypergrad.common.problems.MetaProblem;
import io.hypergrad.common.problems.ProblemFactory;
import io.hypergrad.common.problems.Split;
import io.hypergrad.driver.output.RunFolder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped {@code conf/sinusoid.conf} as it is (full model, meta-batch, T, HyperDistill with θ refits),
 * for its first three rounds: the inner loop must stay stable. With the paper's outer lr 1e-3 this config
 * diverged in round 3 (mean final inner training loss 1.26e77) because the learned body made the head's
 * inner problem stiffer than momentum SGD can take (η·λmax ≥ 2(1 + μ)); this test fails on that setting.
 * It guards that early blow-up only: at the shipped 3e-4 one seed of three still crosses the bound later
 * (round 6 of seed 1; docs/RESULTS.md, section 4.1).
 */
class SinusoidConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    static Path conf(String name) {
        Path p = Path.of("").toAbsolutePath();
        while (!Files.exists(p.resolve("conf/" + name))) {
            p = p.getParent();
        }
        return p.resolve("conf/" + name);
    }

    @Test
    void theShippedSinusoidConfigKeepsTheInnerLoopStable(@TempDir Path tmp) throws Exception {
        RunConfig c = RunConfig.of(ConfigFactory.parseFile(conf("sinusoid.conf").toFile()))
                .with("hypergrad.rounds", "3").with("hypergrad.eval.every", "0").with("hypergrad.eval.testTasks", "0")
                .with("hypergrad.eval.tasks", "1");
        String dir = tmp.resolve("run").toString();
        LocalRunTest.run("local[2]", dir, c, false, false, -1);
        RunFolder folder = new RunFolder(dir, new org.apache.hadoop.conf.Configuration());

        String[] lines = folder.readText("metrics.jsonl").strip().split("\n");
        assertEquals(3, lines.length);
        for (String line : lines) {
            JsonNode m = JSON.readTree(line);
            double train = m.path("trainLoss").asDouble(Double.NaN);
            // Targets are A·sin(·) with A ~ U(0.1, 5): predicting 0 already gives an MSE of E[A²]/2 ≈ 4.2.
            // A stable inner loop ends below that; the diverging one ended at ~1e77.
            assertTrue(train < 10, "round " + m.path("round") + ": mean final inner training loss " + train);
            assertEquals(0, m.path("nonFinite").asInt(), line);
            assertEquals(0, m.path("faultedTasks").asInt(-1), line);
        }

        // The stiffness the learned body gives the head's inner problem, against momentum SGD's bound.
        MetaProblem problem = ProblemFactory.create(c);
        double[] lambda = RoundLoop.lambdaOf(folder, c);
        double[] lambdaModel = Arrays.copyOf(lambda, problem.layout().size(Role.HYPER));
        Loss train = new Loss(problem.layout(), problem.trainObjective());
        double top = 0;
        for (int task = 0; task < 5; task++) {
            top = Math.max(top, Curvature.topEigenvalue(train, problem.initialPhi(7), lambdaModel,
                    problem.task(c.get(RunConfig.SEED), Split.META_TRAIN, 3, task).trainBatch(1), 40, task));
        }
        double bound = Curvature.momentumSgdBound(c.get(RunConfig.INNER_LR), c.get(RunConfig.INNER_MOMENTUM));
        assertTrue(top < bound / 10, "head curvature " + top + " vs momentum-SGD bound " + bound + ": less than 10× margin");
        System.out.printf("sinusoid.conf after 3 rounds: head curvature %.2f, bound %.0f%n", top, bound);
    }
}
