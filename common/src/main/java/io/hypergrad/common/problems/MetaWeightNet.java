package io.hypergrad.common.problems;

import io.hypergrad.common.autodiff.Losses;
import io.hypergrad.common.autodiff.Ops;
import io.hypergrad.common.autodiff.Tape;
import io.hypergrad.common.autodiff.Var;
import io.hypergrad.common.inner.InnerOptimizer;
import io.hypergrad.common.inner.Objective;
import io.hypergrad.common.inner.Objectives;
import io.hypergrad.common.inner.Sgd;
import io.hypergrad.common.nn.Activation;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.Dense;
import io.hypergrad.common.nn.Model;
import io.hypergrad.common.nn.ParamLayout;
import io.hypergrad.common.nn.Role;
import io.hypergrad.common.random.CounterRng;

/**
 * Meta-Weight-Net (Shu et al. 2019): λ is a 1–100–1 ReLU network that maps each training example's loss
 * to its weight, 0.1 + 0.9·σ(output). The classifier w is trained on labels corrupted with probability p,
 * under the weighted loss normalised by the batch's total weight ({@link Losses#weightedMean}), so that
 * larger weights cannot raise the inner loop's effective learning rate; it is validated on clean labels.
 * The validation loss does not see λ, so g^FO ≡ 0 and HyperDistill's scale is fixed (θ = 1) rather than
 * fitted.
 */
public final class MetaWeightNet implements MetaProblem {
    /** The lowest weight an example can get. */
    public static final double FLOOR = 0.1;

    private final Model classifier;
    private final Model weighting;
    private final ParamLayout layout;
    private final ClassificationTasks train;
    private final ClassificationTasks test;
    private final double lr;
    private final double momentum;
    private final int steps;

    /**
     * @param train tasks for meta-training and meta-validation (corrupted training labels)
     * @param test  tasks for meta-testing (from held-out data)
     */
    public MetaWeightNet(Model classifier, int hidden, ClassificationTasks train, ClassificationTasks test, double lr,
                         double momentum, int steps) {
        this.classifier = classifier;
        this.weighting = Model.builder().add("wnet1", new Dense(1, hidden), Role.HYPER).add("wnet-relu", Activation.RELU)
                .add("wnet2", new Dense(hidden, 1), Role.HYPER).build();
        ParamLayout.Builder b = ParamLayout.builder();
        for (Model.Slot s : classifier.slots()) {
            b.add(s.name(), s.layer().params(), Role.INNER);
        }
        for (Model.Slot s : weighting.slots()) {
            b.add(s.name(), s.layer().params(), Role.HYPER);
        }
        this.layout = b.build();
        this.train = train;
        this.test = test;
        this.lr = lr;
        this.momentum = momentum;
        this.steps = steps;
    }

    @Override
    public String name() {
        return "mwn-fashion";
    }

    @Override
    public ParamLayout layout() {
        return layout;
    }

    @Override
    public Objective trainObjective() {
        return (tape, p, batch) -> {
            Var losses = Losses.softmaxCrossEntropy(classifier.forward(tape, p, batch), batch.labels());
            int n = batch.size();
            Var weights = weight(weighting.forward(Ops.reshape(losses, n, 1), p));
            return Losses.weightedMean(losses, Ops.reshape(weights, n));
        };
    }

    /**
     * FLOOR + (1 − FLOOR)·σ(z): weights in (0.1, 1). Shu et al. end the weighting net in a sigmoid; the floor
     * is kept as the lower end of its range rather than as max(z, 0.1), which passes no gradient below 0.1 —
     * there the online hypergradient pushed every example's weight under the floor within one round and λ
     * never moved again.
     */
    static Var weight(Var z) {
        return Ops.affine(Ops.sigmoid(z), 1.0 - FLOOR, FLOOR);
    }

    @Override
    public Objective valObjective() {
        return Objectives.crossEntropy(classifier);
    }

    @Override
    public InnerOptimizer newOptimizer() {
        return Sgd.constant(layout, lr, momentum, 0.0);
    }

    @Override
    public int innerSteps() {
        return steps;
    }

    @Override
    public double[] initialLambda(long seed) {
        return layout.initialise(Role.HYPER, CounterRng.of(seed, 0x1A4B));
    }

    @Override
    public double[] initialPhi(long seed) {
        return layout.initialise(Role.INNER, CounterRng.of(seed, 0xF1));
    }

    @Override
    public Task task(long seed, Split split, int round, int index) {
        return (split == Split.META_TEST ? test : train).task(seed, split, round, index);
    }

    @Override
    public Evaluation evaluate(double[] w, double[] lambdaModel, Batch batch) {
        Tape tape = new Tape();
        return ClassificationProblem.accuracy(classifier, layout.bind(tape, w, null, lambdaModel), tape, batch);
    }

    /** Per-example losses from 0 to 5 (cross-entropy of 10 classes starts near ln 10 ≈ 2.3): the weighting net's inputs. */
    private static Batch lossGrid() {
        double[] x = new double[64];
        for (int i = 0; i < x.length; i++) {
            x[i] = 5.0 * i / (x.length - 1);
        }
        return new Batch(x, new int[] {1}, null, null);
    }

    /**
     * The meta-learned weighting network (per-example loss → the logit z of the weight 0.1 + 0.9·σ(z)):
     * it is the λ of this problem; the classifier is only ever trained inside episodes.
     */
    @Override
    public LearnedNetwork learnedNetwork(double[] lambda, double[] w, long seed) {
        return new LearnedNetwork("mwn-fashion: the Meta-Weight-Net weighting network (loss → z; example weight = " + FLOOR + " + " + (1 - FLOOR) + "·σ(z))",
                weighting, layout, new double[0], java.util.Arrays.copyOf(lambda, layout.size(Role.HYPER)),
                LearnedNetwork.Output.REGRESSION, java.util.Map.of(), lossGrid());
    }
}
