package io.hypergrad.common.outer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Specification: optimiser state survives a checkpoint as plain arrays + step (or Java
 * serialisation), and resuming from it is bit-identical to never having stopped.
 */
class StateRoundTripTest {
    static OuterOptimizer optimiser() {
        return Transforms.guard(
                Transforms.chain(Transforms.clipByGlobalNorm(1.0), Transforms.adam(Schedules.cosineDecay(0.05, 8))),
                Blocks.builder().add("log_lr", 2).add("wd", 1).build(), NonFinitePolicy.SKIP);
    }

    static double[] grad(int t) {
        return new double[] {Math.sin(t), Math.cos(3 * t), 0.5 - t * 0.1};
    }

    @Test
    void resumingFromArraysIsBitIdentical() throws Exception {
        OuterOptimizer opt = optimiser();
        double[] p = {0.1, -0.2, 0.3};
        OptimizerState s = opt.init(p);
        double[] straight = p.clone();
        OptimizerState sStraight = s;
        for (int t = 0; t < 6; t++) {
            Update u = opt.update(grad(t), sStraight, straight);
            straight = u.applyTo(straight);
            sStraight = u.state();
        }

        double[] resumed = p.clone();
        for (int t = 0; t < 3; t++) {
            Update u = opt.update(grad(t), s, resumed);
            resumed = u.applyTo(resumed);
            s = u.state();
        }
        // checkpoint 1: plain arrays + step
        OptimizerState fromArrays = OptimizerState.fromArrays(s.step(), s.toArrays());
        assertEquals(s, fromArrays);
        // checkpoint 2: Java serialisation
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(fromArrays);
        }
        OptimizerState restored;
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            restored = (OptimizerState) in.readObject();
        }
        assertEquals(s, restored);
        s = restored;
        for (int t = 3; t < 6; t++) {
            Update u = opt.update(grad(t), s, resumed);
            resumed = u.applyTo(resumed);
            s = u.state();
        }
        assertArrayEquals(straight, resumed, 0.0);
        assertEquals(sStraight, s);
        assertEquals(6, s.step());
    }

    @Test
    void toArraysIsADeepCopy() {
        OuterOptimizer opt = Transforms.sgdMomentum(0.1, 0.9);
        double[] p = {1, 2};
        OptimizerState s = opt.update(new double[] {1, 1}, opt.init(p), p).state();
        double[][] arrays = s.toArrays();
        arrays[0][0] = 42;
        assertEquals(1.0, s.slot(0)[0], 0.0);
    }
}
