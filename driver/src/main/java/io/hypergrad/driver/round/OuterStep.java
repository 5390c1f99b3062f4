package io.hypergrad.driver.round;

import io.hypergrad.common.config.RunConfig;

/**
 * The driver's outer update of λ: the configured optimiser, learning-rate schedule over the run's
 * rounds, and clipping. Its state exports to plain arrays for checkpoints.
 */
final class OuterStep {
    private final String optimizer;
    private final double lr;
    private final double momentum;
    private final String schedule;
    private final double clip;
    private final int rounds;
    private double[] m;
    private double[] v;
    private long steps;

    OuterStep(RunConfig c, int lambdaSize, int rounds) {
        this.optimizer = c.get(RunConfig.OUTER_OPTIMIZER);
        this.lr = c.get(RunConfig.OUTER_LR);
        this.momentum = c.get(RunConfig.OUTER_MOMENTUM);
        this.schedule = c.get(RunConfig.OUTER_SCHEDULE);
        this.clip = c.get(RunConfig.OUTER_CLIP);
        this.rounds = rounds;
        this.m = new double[lambdaSize];
        this.v = new double[lambdaSize];
    }

    /** The learning rate during round r of the run. */
    double rate(int round) {
        double frac = Math.min(1.0, round / (double) rounds);
        return switch (schedule) {
            case "linear" -> lr * (1.0 - frac);
            case "cosine" -> lr * 0.5 * (1.0 + Math.cos(Math.PI * frac));
            default -> lr;
        };
    }

    /** Applies one hypergradient to λ in place during round r. */
    void apply(double[] lambda, double[] grad, int round) {
        double[] g = grad.clone();
        if (clip > 0) {
            double n = 0;
            for (double x : g) {
                n += x * x;
            }
            n = Math.sqrt(n);
            if (n > clip) {
                for (int i = 0; i < g.length; i++) {
                    g[i] *= clip / n;
                }
            }
        }
        double a = rate(round);
        steps++;
        switch (optimizer) {
            case "sgd" -> {
                for (int i = 0; i < g.length; i++) {
                    lambda[i] -= a * g[i];
                }
            }
            case "momentum" -> {
                for (int i = 0; i < g.length; i++) {
                    m[i] = momentum * m[i] + g[i];
                    lambda[i] -= a * m[i];
                }
            }
            default -> {
                double c1 = 1 - Math.pow(0.9, steps);
                double c2 = 1 - Math.pow(0.999, steps);
                for (int i = 0; i < g.length; i++) {
                    m[i] = 0.9 * m[i] + 0.1 * g[i];
                    v[i] = 0.999 * v[i] + 0.001 * g[i] * g[i];
                    lambda[i] -= a * (m[i] / c1) / (Math.sqrt(v[i] / c2) + 1e-8);
                }
            }
        }
    }

    double[][] exportState() {
        return new double[][] {m.clone(), v.clone()};
    }

    void importState(double[][] s, long steps) {
        this.m = s[0].clone();
        this.v = s[1].clone();
        this.steps = steps;
    }

    long steps() {
        return steps;
    }
}
