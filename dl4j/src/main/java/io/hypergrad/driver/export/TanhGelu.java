package io.hypergrad.driver.export;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.BaseActivationFunction;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * GELU in its tanh approximation, 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), as a DL4J activation: what
 * our {@code Ops.gelu} computes. DL4J 1.0.0-M2.1 has no activation that matches: its default GELU is
 * x·σ(1.702x) and its "precise" one departs from both (−0.0247 at x = −3, where GELU is −0.0040). An
 * exported network that uses GELU therefore needs this class on the class path when it is loaded
 * (DL4J records activations by class name).
 */
public final class TanhGelu extends BaseActivationFunction {
    private static final long serialVersionUID = 1L;
    private static final double C = Math.sqrt(2.0 / Math.PI);
    private static final double A = 0.044715;

    @Override
    public INDArray getActivation(INDArray in, boolean training) {
        INDArray t = tanhOfInner(in);
        // in-place, as DL4J's own activations do
        return in.muli(t.addi(1.0)).muli(0.5);
    }

    @Override
    public Pair<INDArray, INDArray> backprop(INDArray in, INDArray epsilon) {
        assertShape(in, epsilon);
        INDArray t = tanhOfInner(in);
        INDArray x2 = in.mul(in);
        // y' = 0.5·(1 + t) + 0.5·x·(1 − t²)·c·(1 + 3a·x²)
        INDArray sech2 = t.mul(t).rsubi(1.0);
        INDArray du = x2.muli(3.0 * A).addi(1.0).muli(C);
        INDArray d = sech2.muli(du).muli(in).muli(0.5).addi(t.addi(1.0).muli(0.5));
        in.assign(d.muli(epsilon));
        return new Pair<>(in, null);
    }

    private static INDArray tanhOfInner(INDArray x) {
        INDArray u = x.mul(x).muli(x).muli(A).addi(x).muli(C);
        return Transforms.tanh(u, false);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TanhGelu;
    }

    @Override
    public int hashCode() {
        return TanhGelu.class.hashCode();
    }

    @Override
    public String toString() {
        return "tanh_gelu";
    }
}
