package io.hypergrad.common.nn;

import static io.hypergrad.common.autodiff.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.autodiff.GradCheck;
import io.hypergrad.common.autodiff.Ops;
import io.hypergrad.common.autodiff.Tape;
import io.hypergrad.common.autodiff.Var;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The schema's losses by name: what they read, how wide an output they need, the mean as the mean of the
 * per-example losses, and exact gradients and Hessian-vector products against central finite
 * differences (GradCheck's tolerance, 1e-6 relative; see its Javadoc).
 */
class LossFunctionTest {

    @Test
    void parsesConfigNamesAndListsTheKnownOnes() {
        assertEquals(LossFunction.BINARY_CROSS_ENTROPY, LossFunction.parse("binary_cross_entropy"));
        assertEquals(LossFunction.HUBER, LossFunction.parse(" Huber "));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LossFunction.parse("hinge"));
        assertEquals("unknown loss 'hinge'; known: softmax_cross_entropy, binary_cross_entropy, mse, huber", e.getMessage());
    }

    @Test
    void classificationAndOutputWidths() {
        assertTrue(LossFunction.SOFTMAX_CROSS_ENTROPY.classification());
        assertTrue(LossFunction.BINARY_CROSS_ENTROPY.classification());
        assertFalse(LossFunction.MSE.classification());
        assertFalse(LossFunction.HUBER.classification());
        assertEquals(7, LossFunction.SOFTMAX_CROSS_ENTROPY.outputs(7));
        assertEquals(1, LossFunction.BINARY_CROSS_ENTROPY.outputs(2));
        assertEquals(1, LossFunction.MSE.outputs(0));
        assertEquals(1, LossFunction.HUBER.outputs(0));
    }

    /** A batch of n examples for the loss: labels for classification, targets (n × d) otherwise. */
    private static Batch batch(LossFunction f, int n, int d, Random rnd) {
        double[] x = new double[n];
        if (f.classification()) {
            int classes = f == LossFunction.SOFTMAX_CROSS_ENTROPY ? d : 2;
            return new Batch(x, new int[] {1}, rnd.ints(n, 0, classes).toArray(), null);
        }
        return new Batch(x, new int[] {1}, null, uniform(rnd, n * d, -2, 2));
    }

    private static int width(LossFunction f, int d) {
        return f == LossFunction.SOFTMAX_CROSS_ENTROPY || !f.classification() ? d : 1;
    }

    @ParameterizedTest
    @EnumSource(LossFunction.class)
    void meanIsTheMeanOfThePerExampleLosses(LossFunction f) {
        Random rnd = new Random(5);
        int n = 6, d = f == LossFunction.BINARY_CROSS_ENTROPY ? 1 : 3;
        Batch b = batch(f, n, d, rnd);
        Tape tape = new Tape();
        Var out = tape.constant(uniform(rnd, n * width(f, d), -3, 3), n, width(f, d));
        Var per = f.perExample(out, b);
        assertEquals(n, per.size());
        assertEquals(Ops.mean(per).item(), f.mean(out, b).item(), 1e-14);
    }

    @ParameterizedTest
    @EnumSource(LossFunction.class)
    void gradientAndHessianVectorProductMatchFiniteDifferences(LossFunction f) {
        for (long seed = 1; seed <= 3; seed++) {
            Random rnd = new Random(seed);
            int n = 2 + rnd.nextInt(4), d = f == LossFunction.BINARY_CROSS_ENTROPY ? 1 : 1 + rnd.nextInt(3);
            Batch b = batch(f, n, d, rnd);
            double[] z = uniform(rnd, n * width(f, d), -1, 1);
            double[] wts = uniform(rnd, n, -1, 1);
            // Outputs are 2·tanh(z), residuals then lie in (−4, 4) and Huber's kinks at |r| = 1 are met with
            // probability ≈ 1e-5 per element; the per-example losses are weighted by σ(wts) as
            // Meta-Weight-Net weights them, so both paths of the API are checked.
            new GradCheck((t, p) -> {
                Var out = Ops.scale(Ops.tanh(p[0]), 2);
                return Ops.add(f.mean(out, b), Ops.mean(Ops.mul(f.perExample(out, b), Ops.sigmoid(p[1]))));
            }, new double[][] {z, wts}, new int[][] {{n, width(f, d)}, {n}}).checkAll(seed);
        }
    }

    @Test
    void regressionLossesRefuseABatchWithoutTargets() {
        Var out = new Tape().constant(new double[2], 2, 1);
        Batch labelled = new Batch(new double[2], new int[] {1}, new int[] {0, 1}, null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> LossFunction.HUBER.mean(out, labelled));
        assertTrue(e.getMessage().startsWith("huber needs real targets"), e.getMessage());
    }
}
