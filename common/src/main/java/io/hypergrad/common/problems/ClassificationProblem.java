package io.hypergrad.common.problems;

import io.hypergrad.common.autodiff.Tape;
import io.hypergrad.common.autodiff.Var;
import io.hypergrad.common.inner.InnerOptimizer;
import io.hypergrad.common.inner.Objective;
import io.hypergrad.common.inner.Objectives;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.Model;
import io.hypergrad.common.nn.ParamLayout;
import io.hypergrad.common.nn.Role;
import io.hypergrad.common.random.CounterRng;
import java.util.function.Supplier;

/**
 * A meta-learning problem over classification tasks whose λ is part of the network: ANIL (the bottom
 * conv blocks) and WarpGrad (the warp layers). The training and validation objectives are the mean
 * cross-entropy; φ (the initial inner weights) is meta-learned by Reptile on the driver.
 */
public final class ClassificationProblem implements MetaProblem {
    private final String name;
    private final Model model;
    private final ClassificationTasks tasks;
    private final Supplier<InnerOptimizer> optimizer;
    private final int steps;

    public ClassificationProblem(String name, Model model, ClassificationTasks tasks, Supplier<InnerOptimizer> optimizer, int steps) {
        this.name = name;
        this.model = model;
        this.tasks = tasks;
        this.optimizer = optimizer;
        this.steps = steps;
    }

    @Override
    public String name() {
        return name;
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
        return optimizer.get();
    }

    @Override
    public int innerSteps() {
        return steps;
    }

    @Override
    public double[] initialLambda(long seed) {
        double[] modelPart = model.layout().initialise(Role.HYPER, CounterRng.of(seed, 0x1A4B));
        InnerOptimizer o = optimizer.get();
        double[] lambda = java.util.Arrays.copyOf(modelPart, modelPart.length + o.hyperSize());
        o.initialiseHyper(lambda, modelPart.length);
        return lambda;
    }

    @Override
    public double[] initialPhi(long seed) {
        return model.layout().initialise(Role.INNER, CounterRng.of(seed, 0xF1));
    }

    @Override
    public Task task(long seed, Split split, int round, int index) {
        return tasks.task(seed, split, round, index);
    }

    @Override
    public Evaluation evaluate(double[] w, double[] lambdaModel, Batch batch) {
        Tape tape = new Tape();
        return accuracy(model, model.layout().bind(tape, w, null, lambdaModel), tape, batch);
    }

    /** Mean cross-entropy and accuracy of a classifier on a batch, with its parameters bound on the tape. */
    public static Evaluation accuracy(Model model, io.hypergrad.common.nn.Bound params, Tape tape, Batch batch) {
        Var logits = model.forward(tape, params, batch);
        Var loss = io.hypergrad.common.autodiff.Losses.meanSoftmaxCrossEntropy(logits, batch.labels());
        int n = batch.size();
        int c = logits.dim(1);
        int correct = 0;
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int j = 1; j < c; j++) {
                if (logits.v[i * c + j] > logits.v[i * c + best]) {
                    best = j;
                }
            }
            if (best == batch.labels()[i]) {
                correct++;
            }
        }
        return new Evaluation(loss.item(), correct / (double) n);
    }

    @Override
    public LearnedNetwork learnedNetwork(double[] lambda, double[] w, long seed) {
        return LearnedNetwork.trainedWith(name + ": the network with the meta-learned λ layers and φ", model, LearnedNetwork.Output.SOFTMAX_CLASSES, newOptimizer(), lambda, w,
                task(seed, Split.META_TEST, 0, 0).trainBatch(1));
    }
}
