package io.hypergrad.common.autodiff;

import static io.hypergrad.common.autodiff.GradCheck.uniform;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Leaves that view a flat vector ({@link Tape#view}) give exactly what copied leaves
 * ({@link Tape#parameter}) give — value, gradient and Hessian-vector product, to the bit — through every
 * op that reads offsets itself and every op that takes a contiguous copy first. Their adjoints are
 * written over whatever the flat gradient held (stale values from a previous sweep), only inside their
 * own range, and as zeros where the loss does not depend on them.
 */
class ViewLeafTest {
    /** Elements before the first tensor in the flat vectors, so that no view starts at 0. */
    private static final int LEAD = 3;
    /** What the flat gradient holds before the sweep: NaN, so that adding to it or scaling it by β = 0 shows. */
    private static final double STALE = Double.NaN;
    private static final double SENTINEL = -123.0;

    private static void assertViewsMatchCopies(GradCheck.Fn fn, double[][] params, int[][] shapes) {
        Random rnd = new Random(11);
        double[][] u = new double[params.length][];
        for (int i = 0; i < params.length; i++) {
            u[i] = uniform(rnd, params[i].length, -1, 1);
        }
        for (boolean tangent : new boolean[] {false, true}) {
            Tape copies = new Tape();
            Var[] copied = new Var[params.length];
            for (int i = 0; i < params.length; i++) {
                copied[i] = copies.parameter(params[i], 0, tangent ? u[i] : null, 0, shapes[i]);
            }
            Var lossCopied = fn.apply(copies, copied);
            copies.backward(lossCopied);

            // One flat vector for all tensors, with a gap of sentinels before, between and after them.
            int total = LEAD;
            int[] offsets = new int[params.length];
            for (int i = 0; i < params.length; i++) {
                offsets[i] = total;
                total += params[i].length + 2;
            }
            double[] values = filled(total, SENTINEL);
            double[] tangents = filled(total, SENTINEL);
            double[] grad = filled(total, SENTINEL);
            double[] hvp = filled(total, SENTINEL);
            for (int i = 0; i < params.length; i++) {
                System.arraycopy(params[i], 0, values, offsets[i], params[i].length);
                System.arraycopy(u[i], 0, tangents, offsets[i], u[i].length);
                Arrays.fill(grad, offsets[i], offsets[i] + params[i].length, STALE);
                Arrays.fill(hvp, offsets[i], offsets[i] + params[i].length, STALE);
            }
            Tape views = new Tape();
            views.setTangentMode(tangent);
            Var[] viewed = new Var[params.length];
            for (int i = 0; i < params.length; i++) {
                viewed[i] = views.view(values, tangent ? tangents : null, grad, tangent ? hvp : null, offsets[i], shapes[i]);
            }
            Var lossViewed = fn.apply(views, viewed);
            views.backward(lossViewed);

            String mode = tangent ? "with a tangent" : "gradient only";
            assertEquals(lossCopied.item(), lossViewed.item(), 0.0, "loss, " + mode);
            for (int i = 0; i < params.length; i++) {
                int from = offsets[i], to = from + params[i].length;
                assertArrayEquals(copied[i].g, Arrays.copyOfRange(grad, from, to), 0.0, "gradient of leaf " + i + ", " + mode);
                if (tangent) {
                    assertArrayEquals(copied[i].gt, Arrays.copyOfRange(hvp, from, to), 0.0, "HVP of leaf " + i + ", " + mode);
                }
            }
            for (int k = 0; k < total; k++) {
                if (!inside(k, offsets, params)) {
                    assertEquals(SENTINEL, grad[k], 0.0, "gradient written outside every view at " + k + ", " + mode);
                    assertEquals(SENTINEL, hvp[k], 0.0, "HVP written outside every view at " + k + ", " + mode);
                }
            }
        }
    }

    private static boolean inside(int k, int[] offsets, double[][] params) {
        for (int i = 0; i < offsets.length; i++) {
            if (k >= offsets[i] && k < offsets[i] + params[i].length) {
                return true;
            }
        }
        return false;
    }

    private static double[] filled(int n, double value) {
        double[] a = new double[n];
        Arrays.fill(a, value);
        return a;
    }

    private static double[] random(int n, long seed) {
        return uniform(new Random(seed), n, -1, 1);
    }

    @Test
    void matrixProductsReadBothOperandsFromTheirOffsets() {
        assertViewsMatchCopies((t, p) -> OpsTest.readout(Ops.matmul(p[0], p[1], false, true), 1),
                new double[][] {random(12, 1), random(20, 2)}, new int[][] {{3, 4}, {5, 4}});
    }

    @Test
    void aDenseLayerWithFusedBiasAndActivationUnderCrossEntropy() {
        int[] labels = {0, 4, 2, 1};
        assertViewsMatchCopies((t, p) -> Losses.meanSoftmaxCrossEntropy(
                        Ops.addChannelsThen(Ops.matmul(p[0], p[1], false, true), p[2], 1, Ops.TANH), labels),
                new double[][] {random(12, 3), random(15, 4), random(5, 5)}, new int[][] {{4, 3}, {5, 3}, {5}});
    }

    @Test
    void perChannelScaleAndShift() {
        assertViewsMatchCopies((t, p) -> OpsTest.readout(Ops.addChannels(Ops.mulChannels(p[0], p[1], 1), p[2], 1), 6),
                new double[][] {random(24, 6), random(3, 7), random(3, 8)}, new int[][] {{2, 3, 2, 2}, {3}, {3}});
    }

    @Test
    void convolutionWeightsBiasAndInput() {
        assertViewsMatchCopies((t, p) -> OpsTest.readout(ConvOps.conv2d(p[0], p[1], p[2], 1, 1), 9),
                new double[][] {random(64, 9), random(54, 10), random(3, 11)}, new int[][] {{2, 2, 4, 4}, {3, 2, 3, 3}, {3}});
    }

    @Test
    void batchNormTakesContiguousCopiesOfItsViews() {
        assertViewsMatchCopies((t, p) -> OpsTest.readout(Norm.batchNorm(p[0], p[1], p[2], 1e-5), 12),
                new double[][] {random(12, 12), random(3, 13), random(3, 14)}, new int[][] {{4, 3}, {3}, {3}});
    }

    @Test
    void reshapeSliceAndConcatOfViews() {
        assertViewsMatchCopies((t, p) -> OpsTest.readout(Ops.concat(Ops.slice(Ops.reshape(p[0], 3, 4), 1, 3), p[1]), 15),
                new double[][] {random(12, 15), random(4, 16)}, new int[][] {{12}, {1, 4}});
    }

    @Test
    void aLeafUsedTwiceAddsBothContributions() {
        assertViewsMatchCopies((t, p) -> OpsTest.readout(Ops.add(Ops.tanh(p[0]), Ops.mul(p[0], p[1])), 17),
                new double[][] {random(6, 17), random(6, 18)}, new int[][] {{2, 3}, {2, 3}});
    }

    @Test
    void aLeafTheLossDoesNotDependOnGetsZerosOverItsStaleGradient() {
        assertViewsMatchCopies((t, p) -> OpsTest.readout(p[0], 19),
                new double[][] {random(4, 19), random(5, 20)}, new int[][] {{4}, {5}});
    }

    @Test
    void aViewMustFitItsArrays() {
        Tape tape = new Tape();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> tape.view(new double[10], null, new double[10], null, 8, new int[] {3}));
        assertEquals("values of length 10 has no 3 elements from 8", e.getMessage());
    }
}
