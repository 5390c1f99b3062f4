package io.hypergrad.common.inner;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.hypergrad.common.nn.Model;
import io.hypergrad.common.nn.Role;
import org.junit.jupiter.api.Test;

/** The sweep primitive on a whole model: exact gradients and mixed Hessian-vector products, counted. */
class LossTest {

    @Test
    void sweepGivesExactGradientsAndMixedHessianVectorProducts() {
        Model model = Fixtures.smallMlp();
        Loss loss = new Loss(model.layout(), Objectives.crossEntropy(model));
        double[] w = Fixtures.init(model, Role.INNER, 1);
        SweepCheck.assertExact(loss, w, Fixtures.init(model, Role.HYPER, 2), Fixtures.gaussian(w.length, 5), Fixtures.batch(7, 3));
        assertEquals(1, loss.jvps(), "one sweep with a tangent");
        assertEquals(2, loss.gradients(), "the finite differences of the gradient along u");
    }
}
