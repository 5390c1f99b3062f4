package io.hypergrad.common.inner;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.hypergrad.common.nn.Activation;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.Model;
import org.junit.jupiter.api.Test;

/**
 * The inner-loop stiffness diagnostic on a least-squares problem whose Hessian is known in closed form,
 * and the momentum-SGD stability bound it is compared with: just under the bound the inner loop
 * converges, just over it it blows up — the way the sinusoid run diverged with outer lr 1e-3.
 */
class CurvatureTest {
    // Linear model y = W·x + b (all inner), MSE over x = (±3, 0), (0, ±1): Σx = 0 and the features are
    // orthogonal, so ∇²_w mean((Wx + b − y)²) = (2/4)·diag(2·9, 2·1, 4) = diag(9, 1, 2) over (W₁, W₂, b).
    private static final Model LINEAR = Model.mlp(new int[] {2, 1}, Activation.RELU, 0);
    private static final Batch BATCH = new Batch(new double[] {3, 0, -3, 0, 0, 1, 0, -1}, new int[] {2}, null,
            new double[] {6.5, -5.5, -0.5, 1.5}); // y = 2x₁ − x₂ + 0.5, exactly representable

    @Test
    void powerIterationFindsTheTopEigenvalueOfTheHessian() {
        Loss loss = new Loss(LINEAR.layout(), Objectives.meanSquaredError(LINEAR));
        double top = Curvature.topEigenvalue(loss, new double[] {0.3, -0.2, 0.1}, new double[0], BATCH, 60, 1);
        assertEquals(9.0, top, 1e-9);
        assertEquals(60, loss.jvps(), "one forward-over-reverse sweep per iteration");
    }

    @Test
    void momentumSgdIsStableJustUnderTheBoundAndDivergesJustOverIt() {
        double mu = 0.9;
        double bound = Curvature.momentumSgdBound(0.01, mu);
        assertEquals(380.0, bound, 1e-12, "2(1 + μ)/η: the sinusoid inner loop's limit on the head's curvature");
        double lrAtEdge = 2 * (1 + mu) / 9.0; // η with η·λmax exactly at the bound for λmax = 9
        double initial = finalLoss(0.0, mu, 0);
        assertTrue(finalLoss(0.95 * lrAtEdge, mu, 200) < 1e-6 * initial, "converges just under the bound");
        assertTrue(finalLoss(1.05 * lrAtEdge, mu, 200) > 1e20 * initial, "diverges geometrically just over it");
    }

    private static double finalLoss(double lr, double mu, int steps) {
        Loss loss = new Loss(LINEAR.layout(), Objectives.meanSquaredError(LINEAR));
        InnerOptimizer opt = Sgd.constant(LINEAR.layout(), Math.max(lr, 1e-12), mu, 0.0);
        InnerState z = opt.init(new double[] {0.3, -0.2, 0.1});
        for (int t = 0; t < steps; t++) {
            z = opt.update(z, new double[0], BATCH, loss);
        }
        return loss.value(z.w, new double[0], BATCH);
    }
}
