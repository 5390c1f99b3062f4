package io.hypergrad.common.nn;

import io.hypergrad.common.autodiff.Ops;
import io.hypergrad.common.autodiff.Var;
import java.util.List;

/** A fully connected layer x·Wᵀ + b with W stored [out][in], as PyTorch's {@code Linear}. */
public final class Dense implements Layer {
    private final int in;
    private final int out;

    public Dense(int in, int out) {
        if (in <= 0 || out <= 0) {
            throw new IllegalArgumentException("Dense needs positive sizes, got " + in + "→" + out);
        }
        this.in = in;
        this.out = out;
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    @Override
    public List<ParamSpec> params() {
        return List.of(new ParamSpec("W", new int[] {out, in}, Init.FAN_IN_UNIFORM, in),
                new ParamSpec("b", new int[] {out}, Init.FAN_IN_UNIFORM, in));
    }

    @Override
    public Var forward(Var x, Bound p, String prefix) {
        Var x2 = x.rank() == 2 ? x : Ops.flatten(x);
        if (x2.dim(1) != in) {
            throw new IllegalArgumentException(describe() + " got inputs of width " + x2.dim(1));
        }
        return Ops.addChannels(Ops.matmul(x2, p.get(prefix + "/W"), false, true), p.get(prefix + "/b"), 1);
    }

    @Override
    public String describe() {
        return "Dense(" + in + "→" + out + ")";
    }
}
