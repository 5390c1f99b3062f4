package io.hypergrad.common.nn;

import io.hypergrad.common.autodiff.Ops;
import io.hypergrad.common.autodiff.Var;
import java.util.List;

/**
 * A fully connected layer x·Wᵀ + b with W stored [out][in], as PyTorch's {@code Linear}; without b when
 * built without bias (e.g. before a batch norm, whose shift makes a bias redundant). Inputs of rank > 2
 * are flattened first.
 */
public final class Dense implements Layer {
    private final int in;
    private final int out;
    private final boolean bias;

    /** With bias. */
    public Dense(int in, int out) {
        this(in, out, true);
    }

    /** With or without the bias b. */
    public Dense(int in, int out, boolean bias) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Dense needs positive sizes, got " + in + "→" + out);
        }
        this.in = in;
        this.out = out;
        this.bias = bias;
    }

    /** Whether the layer adds a bias b. */
    public boolean bias() {
        return bias;
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    @Override
    public List<ParamSpec> params() {
        ParamSpec w = new ParamSpec("W", new int[] {out, in}, Init.FAN_IN_UNIFORM, in);
        return bias ? List.of(w, new ParamSpec("b", new int[] {out}, Init.FAN_IN_UNIFORM, in)) : List.of(w);
    }

    @Override
    public Var forward(Var x, Bound p, String prefix) {
        return forward(x, p, prefix, Activation.IDENTITY);
    }

    /** The layer followed by an activation, with the bias and the activation fused into one op. */
    public Var forward(Var x, Bound p, String prefix, Activation then) {
        Var x2 = x.rank() == 2 ? x : Ops.flatten(x);
        if (x2.dim(1) != in) {
            throw new IllegalArgumentException(describe() + " got inputs of width " + x2.dim(1));
        }
        Var y = Ops.matmul(x2, p.get(prefix, "W"), false, true);
        if (!bias) {
            return then.apply(y);
        }
        Var b = p.get(prefix, "b");
        return then == Activation.IDENTITY ? Ops.addChannels(y, b, 1) : Ops.addChannelsThen(y, b, 1, then.pointwise());
    }

    @Override
    public String describe() {
        return "Dense(" + in + "→" + out + (bias ? "" : ", no bias") + ")";
    }
}
