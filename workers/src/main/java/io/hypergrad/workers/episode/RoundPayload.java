package io.hypergrad.workers.episode;

import io.hypergrad.common.config.RunConfig;
import java.io.Serializable;

/**
 * What the driver broadcasts each round: the hyperparameters λ, the meta-initialisation φ, HyperDistill's
 * scale θ, the round number and the run's config. Workers only read it.
 */
public final class RoundPayload implements Serializable {
    private static final long serialVersionUID = 1L;

    /** The round, 0-based. */
    public final int round;
    /** λ: the model's λ tensors, then the inner optimiser's hyperparameters. */
    public final double[] lambda;
    /** φ: the initial w of every episode. */
    public final double[] phi;
    /** HyperDistill's scale. */
    public final double theta;
    /** The run's config, from which each executor builds (and caches) the problem. */
    public final RunConfig config;
    /** A θ-refit round: episodes return HyperDistill's (x, y) samples instead of hypergradients. */
    public final boolean refit;

    public RoundPayload(int round, double[] lambda, double[] phi, double theta, RunConfig config, boolean refit) {
        this.round = round;
        this.lambda = lambda;
        this.phi = phi;
        this.theta = theta;
        this.config = config;
        this.refit = refit;
    }
}
