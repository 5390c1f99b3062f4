package io.hypergrad.common.nn;

import io.hypergrad.common.autodiff.ConvOps;
import io.hypergrad.common.autodiff.Var;
import java.util.List;

/** A 2-D convolution layer with bias, PyTorch's {@code Conv2d} (weights [out, in, k, k]). */
public final class Conv2d implements Layer {
    private final int in;
    private final int out;
    private final int kernel;
    private final int stride;
    private final int padding;

    public Conv2d(int in, int out, int kernel, int stride, int padding) {
        if (in < 1 || out < 1 || kernel < 1 || stride < 1 || padding < 0) {
            throw new IllegalArgumentException("Conv2d(" + in + "→" + out + ", k" + kernel + ", s" + stride + ", p" + padding + ") is invalid");
        }
        this.in = in;
        this.out = out;
        this.kernel = kernel;
        this.stride = stride;
        this.padding = padding;
    }

    /** 3×3, stride 1, padding 1: keeps the spatial size (the Conv-4 and warp layers' convolution). */
    public static Conv2d same3x3(int in, int out) {
        return new Conv2d(in, out, 3, 1, 1);
    }

    public int in() {
        return in;
    }

    public int out() {
        return out;
    }

    public int kernel() {
        return kernel;
    }

    public int stride() {
        return stride;
    }

    public int padding() {
        return padding;
    }

    @Override
    public List<ParamSpec> params() {
        int fanIn = in * kernel * kernel;
        return List.of(new ParamSpec("W", new int[] {out, in, kernel, kernel}, Init.FAN_IN_UNIFORM, fanIn),
                new ParamSpec("b", new int[] {out}, Init.FAN_IN_UNIFORM, fanIn));
    }

    @Override
    public Var forward(Var x, Bound p, String prefix) {
        return ConvOps.conv2d(x, p.get(prefix, "W"), p.get(prefix, "b"), stride, padding);
    }

    @Override
    public String describe() {
        return "Conv2d(" + in + "→" + out + ", " + kernel + "×" + kernel + (stride != 1 ? ", s" + stride : "") + (padding != 0 ? ", p" + padding : "") + ")";
    }
}
