package io.hypergrad.common.problems;

import io.hypergrad.common.autodiff.Losses;
import io.hypergrad.common.autodiff.Ops;
import io.hypergrad.common.autodiff.Var;
import io.hypergrad.common.config.RunConfig;
import io.hypergrad.common.inner.HyperHook;
import io.hypergrad.common.inner.InnerOptimizer;
import io.hypergrad.common.inner.InnerState;
import io.hypergrad.common.inner.Loss;
import io.hypergrad.common.inner.Objective;
import io.hypergrad.common.inner.Sgd;
import io.hypergrad.common.nn.Activation;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.Dense;
import io.hypergrad.common.nn.LossFunction;
import io.hypergrad.common.nn.Model;
import io.hypergrad.common.nn.NetworkSchema;
import io.hypergrad.common.nn.ParamLayout;
import io.hypergrad.common.nn.Role;
import io.hypergrad.common.random.CounterRng;
import java.io.Serializable;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * How a {@link TableProblem} trains its network: the network (layer schema), the training loss with the
 * optional example-weighting network, the inner SGD and which of its hyperparameters λ holds, and how
 * many steps on mini-batches of what size. {@link TableProblem} trains by it, and a saved group-mode
 * model keeps it to adapt φ to a new group's labelled rows where that group's rows are
 * ({@link #adapt}), so both train the same way. Serialisable, and a plain record for JSON.
 *
 * @param layers         the network in the layer schema ({@link NetworkSchema#toMaps()})
 * @param loss           the loss's name, as {@link LossFunction#parse} reads it
 * @param featureShape   the shape of one example
 * @param outputs        the network's output width
 * @param exampleWeights hidden width of the example-weighting network (0: none)
 * @param lr             the inner learning rate (its initial value where λ tunes it)
 * @param weightDecay    the inner weight decay (its initial value where λ tunes it)
 * @param momentum       the inner momentum (its initial value where λ tunes it)
 * @param lrScope        how λ holds the log learning rate: constant, global, per-layer or per-parameter
 * @param weightDecayScope how λ holds the log weight decay
 * @param momentumScope  how λ holds the momentum's logit
 * @param steps          SGD steps of a training run (an adaptation)
 * @param batchSize      rows per mini-batch
 */
public record InnerTraining(List<Map<String, Object>> layers, String loss, int[] featureShape, int outputs, int exampleWeights,
                            double lr, double weightDecay, double momentum, String lrScope, String weightDecayScope, String momentumScope,
                            int steps, int batchSize) implements Serializable {

    /** The training a config names for a network of this schema, example shape and output width. */
    static InnerTraining of(RunConfig c, NetworkSchema schema, int[] featureShape, int outputs) {
        int t = c.get(RunConfig.INNER_STEPS);
        return new InnerTraining(schema.toMaps(), c.get(RunConfig.MODEL_LOSS), featureShape.clone(), outputs,
                c.get(RunConfig.HYPER_EXAMPLE_WEIGHTS), c.get(RunConfig.INNER_LR), c.get(RunConfig.INNER_WEIGHT_DECAY),
                c.get(RunConfig.INNER_MOMENTUM), c.get(RunConfig.HYPER_LR), c.get(RunConfig.HYPER_WD), c.get(RunConfig.HYPER_MOMENTUM),
                t == 0 ? 100 : t, c.get(RunConfig.INNER_BATCH));
    }

    /** The network in training mode (dropout on). */
    Model trainModel() {
        return NetworkSchema.parse(layers, "layers").build(featureShape, outputs, true);
    }

    /** The example-weighting network (its weights are λ), or null without one. */
    Model weighting() {
        return exampleWeights == 0 ? null : Model.builder().add("wnet1", new Dense(1, exampleWeights), Role.HYPER)
                .add("wnet-relu", Activation.RELU).add("wnet2", new Dense(exampleWeights, 1), Role.HYPER).build();
    }

    /** The parameters of the network and of the weighting network, in that order. */
    static ParamLayout layout(Model train, Model weighting) {
        ParamLayout.Builder b = ParamLayout.builder();
        for (Model.Slot s : train.slots()) {
            b.add(s.name(), s.layer().params(), s.role());
        }
        if (weighting != null) {
            for (Model.Slot s : weighting.slots()) {
                b.add(s.name(), s.layer().params(), Role.HYPER);
            }
        }
        return b.build();
    }

    /** The training loss: the mean loss, or the mean weighted by the weighting network's per-example weights. */
    Objective objective(Model train, Model weighting) {
        LossFunction l = LossFunction.parse(loss);
        if (weighting == null) {
            return (tape, p, batch) -> l.mean(train.forward(tape, p, batch), batch);
        }
        return (tape, p, batch) -> {
            Var losses = l.perExample(train.forward(tape, p, batch), batch);
            int n = batch.size();
            Var weights = MetaWeightNet.weight(weighting.forward(Ops.reshape(losses, n, 1), p));
            return Losses.weightedMean(losses, Ops.reshape(weights, n));
        };
    }

    /** The inner SGD, each hyperparameter a constant or a part of λ as its scope says. */
    InnerOptimizer optimizer(ParamLayout layout) {
        return new Sgd(layout, hook("logLearningRate", lrScope, HyperHook.Transform.EXP, lr),
                hook("logWeightDecay", weightDecayScope, HyperHook.Transform.EXP, weightDecay),
                hook("momentum", momentumScope, HyperHook.Transform.SIGMOID, momentum));
    }

    static HyperHook.Scope scope(String name) {
        return switch (name) {
            case "global" -> HyperHook.Scope.GLOBAL;
            case "per-layer" -> HyperHook.Scope.PER_LAYER;
            case "per-parameter" -> HyperHook.Scope.PER_PARAMETER;
            default -> HyperHook.Scope.CONSTANT;
        };
    }

    private static HyperHook hook(String name, String scope, HyperHook.Transform t, double value) {
        HyperHook.Scope s = scope(scope);
        return s == HyperHook.Scope.CONSTANT ? HyperHook.constant(name, value) : new HyperHook(name, s, t, value);
    }

    /**
     * Trains from φ under λ for {@link #steps} steps on {@code support}: the whole of it each step when it
     * fits a mini-batch, else a mini-batch drawn by counters {@code (key…, step)}. A pure function of its
     * arguments, as a group-mode task's training is.
     *
     * @param phi     the initial inner weights
     * @param lambda  the whole λ (the model's λ tensors, then the optimiser's)
     * @param support the rows to train on, standardised as the network reads them
     * @param key     the counters that name this adaptation's stream (e.g. the seed and the group's name)
     * @return the trained inner weights
     */
    public double[] adapt(double[] phi, double[] lambda, Batch support, long... key) {
        Model train = trainModel();
        Model weighting = weighting();
        ParamLayout layout = layout(train, weighting);
        InnerOptimizer opt = optimizer(layout);
        Loss objective = new Loss(layout, objective(train, weighting));
        int n = support.size();
        int k = Math.min(batchSize, n);
        long[] counters = Arrays.copyOf(key, key.length + 1);
        InnerState z = opt.init(phi);
        for (int step = 1; step <= steps; step++) {
            counters[key.length] = step;
            Batch b = k == n ? support : support.select(CounterRng.of(counters).sample(n, k));
            z = opt.update(z, lambda, b, objective);
        }
        return z.w;
    }
}
