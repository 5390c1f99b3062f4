package com.acme;

import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.inner.HyperHook;
import io.hypergrad.common.inner.InnerOptimizer;
import io.hypergrad.common.inner.Objective;
import io.hypergrad.common.inner.Objectives;
import io.hypergrad.common.inner.Sgd;
import io.hypergrad.common.autodiff.Tape;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.Model;
import io.hypergrad.common.nn.ParamLayout;
import io.hypergrad.common.nn.Role;
import io.hypergrad.common.problems.Evaluation;
import io.hypergrad.common.problems.LearnedNetwork;
import io.hypergrad.common.problems.MetaProblem;
import io.hypergrad.common.problems.Split;
import io.hypergrad.common.problems.Task;
import io.hypergrad.common.random.CounterRng;

/**
 * A worked plugin: linear regression tasks whose true coefficients are sparse (only the first
 * {@code RELEVANT} of {@code FEATURES} inputs matter), with one log weight decay per parameter as λ. A
 * tuner that works learns to decay the irrelevant coefficients hard and leave the relevant ones alone.
 *
 * <p>Run it with {@code hypergrad.problem = "class:com.acme.SparseRegressionProblem"} and this class's jar
 * on the application class path (spark-submit --jars, spark.jars). Every task is a pure function of
 * (seed, split, round, index): data come from the counter-keyed RNG, never from a wall clock.
 */
public final class SparseRegressionProblem implements MetaProblem {
    static final int FEATURES = 20;
    static final int RELEVANT = 4;
    static final int EXAMPLES = 30;

    private final Model model = Model.mlp(new int[] {FEATURES, 1}, io.hypergrad.common.nn.Activation.IDENTITY, 0);
    private final int steps;
    private final double lr;

    /** The problem with the run's settings: inner steps and learning rate. */
    public SparseRegressionProblem(RunConfig config) {
        int t = config.get(RunConfig.INNER_STEPS);
        this.steps = t == 0 ? 20 : t;
        this.lr = config.get(RunConfig.INNER_LR);
    }

    @Override
    public String name() {
        return "sparse-regression";
    }

    @Override
    public ParamLayout layout() {
        return model.layout();
    }

    @Override
    public Objective trainObjective() {
        return Objectives.meanSquaredError(model);
    }

    @Override
    public Objective valObjective() {
        return Objectives.meanSquaredError(model);
    }

    @Override
    public InnerOptimizer newOptimizer() {
        return new Sgd(model.layout(), HyperHook.constant("learningRate", lr),
                new HyperHook("logWeightDecay", HyperHook.Scope.PER_PARAMETER, HyperHook.Transform.EXP, 1e-2),
                HyperHook.constant("momentum", 0.0));
    }

    @Override
    public int innerSteps() {
        return steps;
    }

    @Override
    public double[] initialLambda(long seed) {
        InnerOptimizer o = newOptimizer();
        double[] l = new double[o.hyperSize()];
        o.initialiseHyper(l, 0);
        return l;
    }

    @Override
    public double[] initialPhi(long seed) {
        return new double[model.layout().size(Role.INNER)];
    }

    @Override
    public boolean learnsInitialisation() {
        return false;
    }

    @Override
    public Task task(long seed, Split split, int round, int index) {
        CounterRng rng = CounterRng.of(seed, split.key(), round, index);
        double[] beta = new double[FEATURES];
        for (int j = 0; j < RELEVANT; j++) {
            beta[j] = rng.nextGaussian();
        }
        Batch train = sample(rng.child(1), beta);
        Batch val = sample(rng.child(2), beta);
        return new Task() {
            @Override
            public Batch trainBatch(int step) {
                return train;
            }

            @Override
            public Batch valBatch() {
                return val;
            }
        };
    }

    private static Batch sample(CounterRng rng, double[] beta) {
        double[] x = new double[EXAMPLES * FEATURES];
        double[] y = new double[EXAMPLES];
        for (int i = 0; i < EXAMPLES; i++) {
            for (int j = 0; j < FEATURES; j++) {
                x[i * FEATURES + j] = rng.nextGaussian();
                y[i] += x[i * FEATURES + j] * beta[j];
            }
            y[i] += 0.5 * rng.nextGaussian();
        }
        return new Batch(x, new int[] {FEATURES}, null, y);
    }

    @Override
    public Evaluation evaluate(double[] w, double[] lambdaModel, Batch batch) {
        Tape tape = new Tape();
        double loss = valObjective().loss(tape, model.layout().bind(tape, w, null, lambdaModel), batch).item();
        return new Evaluation(loss, Double.NaN);
    }

    @Override
    public LearnedNetwork learnedNetwork(double[] lambda, double[] w, long seed) {
        return LearnedNetwork.trainedWith("sparse-regression: a linear model with tuned per-coefficient weight decays", model,
                LearnedNetwork.Output.REGRESSION, newOptimizer(), lambda, w, task(seed, Split.META_TEST, 0, 0).trainBatch(1));
    }
}
