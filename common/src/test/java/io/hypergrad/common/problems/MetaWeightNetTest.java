package io.hypergrad.common.problems;

import static io.hypergrad.common.hypergrad.Problems.relativeError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.autodiff.Tape;
import io.hypergrad.common.autodiff.Var;
import io.hypergrad.common.data.ClassSplit;
import io.hypergrad.common.data.Dataset;
import io.hypergrad.common.hypergrad.Bilevel;
import io.hypergrad.common.hypergrad.Episode;
import io.hypergrad.common.hypergrad.Problems.Instance;
import io.hypergrad.common.hypergrad.Reverse;
import io.hypergrad.common.inner.InnerOptimizer;
import io.hypergrad.common.inner.Loss;
import io.hypergrad.common.nn.ParamLayout;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Meta-Weight-Net's weighting: every example's weight lies in [0.1, 1], the hypergradient through the
 * weighted training loss is exact, and it is not zero where training starts (a hard max(z, 0.1) floor
 * put almost every example below 0.1 there, where no gradient passes).
 */
class MetaWeightNetTest {
    private static final int STEPS = 4;

    @Test
    void weightsLieBetweenTheFloorAndOneAndRiseWithTheLogit() {
        double[] z = {-1e3, -20, -1, 0, 1, 20, 1e3};
        Tape tape = new Tape();
        Var w = MetaWeightNet.weight(tape.constant(z, z.length));
        for (int i = 0; i < z.length; i++) {
            assertTrue(w.v[i] >= MetaWeightNet.FLOOR && w.v[i] <= 1.0, "weight " + w.v[i] + " for logit " + z[i]);
            if (i > 0) {
                assertTrue(w.v[i] >= w.v[i - 1], "not monotone at " + z[i]);
            }
        }
        assertEquals(MetaWeightNet.FLOOR + (1 - MetaWeightNet.FLOOR) / 2, w.v[3], 1e-15);
    }

    /** Same tolerance as the exactness contract (ExactEstimatorsTest): FD error ≈ 1e-10 at step 1e-5. */
    @ParameterizedTest
    @ValueSource(longs = {1, 2})
    void reverseHypergradientMatchesFiniteDifferencesAndIsNotZeroAtTheStart(long seed) {
        MetaWeightNet p = problem();
        Task task = p.task(seed, Split.META_TRAIN, 0, 0);
        InnerOptimizer opt = p.newOptimizer();
        Bilevel bilevel = new Bilevel(new Loss(p.layout(), p.trainObjective()), new Loss(p.layout(), p.valObjective()), opt,
                task.valBatch());
        Instance in = new Instance(bilevel, p.initialLambda(seed), opt.init(p.initialPhi(seed)), task::trainBatch);
        double[] rev = Episode.hypergradient(bilevel, in.lambda(), in.z0(), STEPS, in.batches(), Reverse.full());
        double[] fd = in.finiteDifference(STEPS);
        assertTrue(relativeError(fd, rev) <= 1e-6, "reverse vs finite differences: " + relativeError(fd, rev));
        ParamLayout.Entry out = p.layout().entry("wnet2/W");
        double norm = 0;
        for (int i = out.offset(); i < out.offset() + out.size(); i++) {
            norm += rev[i] * rev[i];
        }
        assertTrue(Math.sqrt(norm) > 1e-8, "no hypergradient reaches the weighting net's output layer: " + Math.sqrt(norm));
    }

    /**
     * g^FO ≡ 0 here, so HyperDistill's θ = 1 and the paper's literal π* = 1 differ only in scale:
     * θ = 1 multiplies the distilled term by (1 − γ^t)/(1 − γ), π* = 1 by nothing.
     */
    @org.junit.jupiter.api.Test
    void piStarOneIsTheUnscaledDistilledTermAndFitsNoTheta() {
        MetaWeightNet p = problem();
        Task task = p.task(3, Split.META_TRAIN, 0, 0);
        InnerOptimizer opt = p.newOptimizer();
        Bilevel bilevel = new Bilevel(new Loss(p.layout(), p.trainObjective()), new Loss(p.layout(), p.valObjective()), opt,
                task.valBatch());
        double gamma = 0.9;
        io.hypergrad.common.hypergrad.Estimators.Spec spec = io.hypergrad.common.hypergrad.Estimators.parse("hyperdistill:0.9");
        assertTrue(spec.fitsTheta());
        assertTrue(!spec.withScale("unit").fitsTheta(), "π* = 1 has no θ to refit");
        var unit = spec.withScale("unit").create(7.0, 5);
        var thetaOne = spec.withScale("decay").create(1.0, 5);
        double[] lambda = p.initialLambda(3);
        var z0 = opt.init(p.initialPhi(3));
        unit.begin(bilevel, lambda, z0);
        var a = Episode.run(bilevel, lambda, z0, 6, task::trainBatch, unit).trajectory();
        thetaOne.begin(bilevel, lambda, z0);
        var b = Episode.run(bilevel, lambda, z0, 6, task::trainBatch, thetaOne).trajectory();
        for (int t = 1; t <= 6; t++) {
            double scale = (1 - Math.pow(gamma, t)) / (1 - gamma);
            double[] scaled = a.get(t - 1).clone();
            for (int i = 0; i < scaled.length; i++) {
                scaled[i] *= scale;
            }
            assertTrue(relativeError(scaled, b.get(t - 1)) <= 1e-12, "step " + t);
        }
    }

    /** Four Gaussian classes in 6 dimensions; the weighting net narrowed to 8 hidden units to keep FD cheap. */
    private static MetaWeightNet problem() {
        int classes = 4, perClass = 30, dim = 6;
        Random rnd = new Random(7);
        float[] x = new float[classes * perClass * dim];
        int[] labels = new int[classes * perClass];
        for (int i = 0; i < labels.length; i++) {
            labels[i] = i % classes;
            for (int d = 0; d < dim; d++) {
                x[i * dim + d] = (float) ((d == labels[i] ? 1.5 : 0.0) + rnd.nextGaussian());
            }
        }
        Dataset data = new Dataset("gaussians", x, new int[] {dim}, labels, null, List.of("a", "b", "c", "d"));
        int[] all = {0, 1, 2, 3};
        ClassificationTasks tasks = new ClassificationTasks(data, new ClassSplit(all, all, all), classes, 8, 8, 16, 0.4);
        return new MetaWeightNet(ProblemFactory.mlpClassifier(dim, 5, 1, classes), 8, tasks, tasks, 0.1, 0.9, STEPS);
    }
}
