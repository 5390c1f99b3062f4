package io.hypergrad.common.nn;

import io.hypergrad.common.autodiff.Norm;
import io.hypergrad.common.autodiff.Var;
import java.util.List;

/**
 * Batch normalisation in training mode (batch statistics — the convention of few-shot meta-learning,
 * where every inner step and every evaluation normalises over the batch at hand), with scale γ and
 * shift β per channel.
 */
public final class BatchNorm implements Layer {
    private final int channels;
    private final double eps;

    public BatchNorm(int channels) {
        this(channels, 1e-5);
    }

    public BatchNorm(int channels, double eps) {
        this.channels = channels;
        this.eps = eps;
    }

    public int channels() {
        return channels;
    }

    public double eps() {
        return eps;
    }

    @Override
    public List<ParamSpec> params() {
        return List.of(new ParamSpec("gamma", new int[] {channels}, Init.ONES, 1),
                new ParamSpec("beta", new int[] {channels}, Init.ZEROS, 1));
    }

    @Override
    public Var forward(Var x, Bound p, String prefix) {
        return Norm.batchNorm(x, p.get(prefix, "gamma"), p.get(prefix, "beta"), eps);
    }

    @Override
    public String describe() {
        return "BatchNorm(" + channels + ")";
    }
}
