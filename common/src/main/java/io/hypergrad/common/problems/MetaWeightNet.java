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
 * to its weight (floored at 0.1); the classifier w is trained on the weighted loss of labels corrupted
 * with probability p, and validated on clean labels. The validation loss does not see λ, so g^FO ≡ 0 and
 * HyperDistill's scale is fixed (θ = 1) rather than fitted.
 */
public final class MetaWeightNet implements MetaProblem {
    /** The weight floor of the weighting network's output. */
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
            Var weights = Ops.floor(weighting.forward(Ops.reshape(losses, n, 1), p), FLOOR);
            return Losses.weightedMean(losses, Ops.reshape(weights, n));
        };
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

    /**
     * The meta-learned weighting network (per-example loss → weight, before the floor at {@link #FLOOR}):
     * it is the λ of this problem; the classifier is only ever trained inside episodes.
     */
    /** Per-example losses from 0 to 5 (cross-entropy of 10 classes starts near ln 10 ≈ 2.3): the weighting net's inputs. */
    private static Batch lossGrid() {
        double[] x = new double[64];
        for (int i = 0; i < x.length; i++) {
            x[i] = 5.0 * i / (x.length - 1);
        }
        return new Batch(x, new int[] {1}, null, null);
    }

    @Override
    public LearnedNetwork learnedNetwork(double[] lambda, double[] w, long seed) {
        return new LearnedNetwork("mwn-fashion: the Meta-Weight-Net weighting network (loss → example weight, floored at " + FLOOR + " when used)",
                weighting, layout, new double[0], java.util.Arrays.copyOf(lambda, layout.size(Role.HYPER)),
                LearnedNetwork.Output.REGRESSION, java.util.Map.of(), lossGrid());
    }
}
