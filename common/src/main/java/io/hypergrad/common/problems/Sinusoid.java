package io.hypergrad.common.problems;

import io.hypergrad.common.autodiff.Tape;
import io.hypergrad.common.autodiff.Var;
import io.hypergrad.common.inner.InnerOptimizer;
import io.hypergrad.common.inner.Objective;
import io.hypergrad.common.inner.Objectives;
import io.hypergrad.common.inner.Sgd;
import io.hypergrad.common.nn.Activation;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.Model;
import io.hypergrad.common.nn.ParamLayout;
import io.hypergrad.common.nn.Role;
import io.hypergrad.common.random.CounterRng;

/**
 * ANIL on sinusoid regression: y = A·sin(x − φ) with A ~ U(0.1, 5), φ ~ U(0, π), x ~ U(−5, 5); K-shot
 * training and a query set per task. The MLP's body (all but the last layer) is λ, the last layer w.
 * Needs no dataset, which also makes it the problem of the distributed tests.
 */
public final class Sinusoid implements MetaProblem {
    private final Model model;
    private final int shots;
    private final int queries;
    private final int steps;
    private final double lr;
    private final double momentum;

    /**
     * @param hidden   hidden widths, e.g. {40, 40} or {100, 100, 100}
     * @param shots    training points per task (K)
     * @param queries  validation points per task
     * @param steps    inner steps T
     * @param lr       inner learning rate
     * @param momentum inner momentum (0 for plain SGD)
     */
    public Sinusoid(int[] hidden, int shots, int queries, int steps, double lr, double momentum) {
        int[] widths = new int[hidden.length + 2];
        widths[0] = 1;
        System.arraycopy(hidden, 0, widths, 1, hidden.length);
        widths[widths.length - 1] = 1;
        this.model = Model.mlp(widths, Activation.RELU, hidden.length);
        this.shots = shots;
        this.queries = queries;
        this.steps = steps;
        this.lr = lr;
        this.momentum = momentum;
    }

    @Override
    public String name() {
        return "sinusoid";
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
        return Sgd.constant(model.layout(), lr, momentum, 0.0);
    }

    @Override
    public int innerSteps() {
        return steps;
    }

    @Override
    public double[] initialLambda(long seed) {
        return model.layout().initialise(Role.HYPER, CounterRng.of(seed, 0x1A4B));
    }

    @Override
    public double[] initialPhi(long seed) {
        return model.layout().initialise(Role.INNER, CounterRng.of(seed, 0xF1));
    }

    @Override
    public Task task(long seed, Split split, int round, int index) {
        CounterRng rng = CounterRng.of(seed, split.key(), round, index);
        double amplitude = 0.1 + 4.9 * rng.nextDouble();
        double phase = Math.PI * rng.nextDouble();
        Batch train = points(rng, shots, amplitude, phase);
        Batch val = points(rng, queries, amplitude, phase);
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

    private static Batch points(CounterRng rng, int n, double amplitude, double phase) {
        double[] x = new double[n];
        double[] y = new double[n];
        for (int i = 0; i < n; i++) {
            x[i] = -5 + 10 * rng.nextDouble();
            y[i] = amplitude * Math.sin(x[i] - phase);
        }
        return new Batch(x, new int[] {1}, null, y);
    }

    @Override
    public Evaluation evaluate(double[] w, double[] lambdaModel, Batch batch) {
        Tape tape = new Tape();
        Var loss = valObjective().loss(tape, model.layout().bind(tape, w, null, lambdaModel), batch);
        return new Evaluation(loss.item(), Double.NaN);
    }

    @Override
    public LearnedNetwork learnedNetwork(double[] lambda, double[] w, long seed) {
        return LearnedNetwork.trainedWith("sinusoid: the MLP with the meta-learned body (λ) and head initialisation φ", model, LearnedNetwork.Output.REGRESSION, newOptimizer(), lambda, w,
                task(seed, Split.META_TEST, 0, 0).trainBatch(1));
    }
}
