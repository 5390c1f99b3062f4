package io.hypergrad.common.problems;

import io.hypergrad.common.data.Dataset;
import io.hypergrad.common.inner.HyperHook;
import io.hypergrad.common.inner.InnerOptimizer;
import io.hypergrad.common.inner.Objective;
import io.hypergrad.common.inner.Objectives;
import io.hypergrad.common.inner.Sgd;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.Model;
import io.hypergrad.common.nn.ParamLayout;
import io.hypergrad.common.nn.Role;
import io.hypergrad.common.random.CounterRng;

/**
 * Optimiser hyperparameter optimisation, the glocal setting: λ = per-layer log learning rates and log
 * weight decays of SGD with momentum training an MLP on one long task — the training set in mini-batches,
 * validated on a fixed held-out part of it; meta-test on the test set. The episode is meant to continue
 * across rounds (windows of τ steps), its state travelling with the round.
 */
public final class OptimizerHpo implements MetaProblem {
    private final Model model;
    private final Dataset trainData;
    private final Dataset testData;
    private final int validation;
    private final int batchSize;
    private final double lr;
    private final double weightDecay;
    private final double momentum;
    private final int steps;

    public OptimizerHpo(Model model, Dataset trainData, Dataset testData, int validation, int batchSize, double lr, double weightDecay,
                        double momentum, int steps) {
        this.model = model;
        this.trainData = trainData;
        this.testData = testData;
        this.validation = validation;
        this.batchSize = batchSize;
        this.lr = lr;
        this.weightDecay = weightDecay;
        this.momentum = momentum;
        this.steps = steps;
    }

    @Override
    public String name() {
        return "opt-hpo-fashion";
    }

    @Override
    public ParamLayout layout() {
        return model.layout();
    }

    @Override
    public Objective trainObjective() {
        return Objectives.crossEntropy(model);
    }

    @Override
    public Objective valObjective() {
        return Objectives.crossEntropy(model);
    }

    @Override
    public InnerOptimizer newOptimizer() {
        return new Sgd(model.layout(), new HyperHook("logLearningRate", HyperHook.Scope.PER_LAYER, HyperHook.Transform.EXP, lr),
                new HyperHook("logWeightDecay", HyperHook.Scope.PER_LAYER, HyperHook.Transform.EXP, weightDecay),
                HyperHook.constant("momentum", momentum));
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
        return model.layout().initialise(Role.INNER, CounterRng.of(seed, 0xF1));
    }

    /**
     * The one long task: training examples are the training set minus its last {@code validation}
     * examples, D_t drawn from them by a counter keyed by (seed, t); validation is those last examples.
     * Meta-test tasks train the same way and validate on the test set.
     */
    @Override
    public Task task(long seed, Split split, int round, int index) {
        int n = trainData.size() - validation;
        Batch val = split == Split.META_TEST ? slice(testData, 0, Math.min(testData.size(), validation))
                : slice(trainData, n, trainData.size());
        return new Task() {
            @Override
            public Batch trainBatch(int step) {
                int[] idx = CounterRng.of(seed, split.key(), index, step).sample(n, batchSize);
                return select(trainData, idx);
            }

            @Override
            public Batch valBatch() {
                return val;
            }
        };
    }

    private static Batch slice(Dataset d, int from, int to) {
        int[] idx = new int[to - from];
        for (int i = 0; i < idx.length; i++) {
            idx[i] = from + i;
        }
        return select(d, idx);
    }

    private static Batch select(Dataset d, int[] idx) {
        int f = d.featureSize();
        double[] x = new double[idx.length * f];
        int[] y = new int[idx.length];
        for (int i = 0; i < idx.length; i++) {
            d.copyExample(idx[i], x, i * f);
            y[i] = d.labels()[idx[i]];
        }
        return new Batch(x, d.featureShape(), y, null);
    }

    @Override
    public Evaluation evaluate(double[] w, double[] lambdaModel, Batch batch) {
        io.hypergrad.common.autodiff.Tape tape = new io.hypergrad.common.autodiff.Tape();
        return ClassificationProblem.accuracy(model, model.layout().bind(tape, w, null, lambdaModel), tape, batch);
    }

    @Override
    public LearnedNetwork learnedNetwork(double[] lambda, double[] w, long seed) {
        return LearnedNetwork.trainedWith("opt-hpo-fashion: the MLP with the given weights and the tuned per-layer learning rates and weight decays", model, LearnedNetwork.Output.SOFTMAX_CLASSES, newOptimizer(), lambda, w,
                task(seed, Split.META_TEST, 0, 0).trainBatch(1));
    }
}
