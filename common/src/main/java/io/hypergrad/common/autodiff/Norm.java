package io.hypergrad.common.autodiff;

/**
 * Batch normalisation in training mode (batch statistics, biased variance, as PyTorch normalises),
 * composed from primitives so that its gradient and Hessian-vector products are exact by construction.
 */
public final class Norm {
    private Norm() {}

    /**
     * (x − mean_c) / √(var_c + eps) · γ_c + β_c with statistics over every axis but the channel axis 1,
     * for [N, C] or [N, C, H, W].
     */
    public static Var batchNorm(Var x, Var gamma, Var beta, double eps) {
        if (x.rank() < 2) {
            throw new IllegalArgumentException("batchNorm needs [N, C, …], got rank " + x.rank());
        }
        Var mean = Ops.channelMean(x, 1);
        Var centred = Ops.sub(x, Ops.broadcastChannels(mean, x, 1));
        Var var = Ops.channelMean(Ops.square(centred), 1);
        Var inv = Ops.rsqrt(Ops.addScalar(var, eps));
        Var normalised = Ops.mulChannels(centred, inv, 1);
        return Ops.addChannels(Ops.mulChannels(normalised, gamma, 1), beta, 1);
    }
}
