package io.hypergrad.common.problems;

import io.hypergrad.common.inner.InnerOptimizer;
import io.hypergrad.common.inner.Objective;
import io.hypergrad.common.nn.Batch;
import io.hypergrad.common.nn.ParamLayout;
import io.hypergrad.common.nn.Role;

/**
 * A meta-learning or hyperparameter-optimisation problem: the network and which of its layers are λ, the
 * training and validation objectives, the inner optimiser, and the distribution of tasks. It is built
 * from the run's config on every executor (never serialised); build once per JVM and share: every method
 * must be safe to call from several threads, and {@link #newOptimizer()} returns a fresh optimiser for
 * each thread.
 *
 * <p><b>Public API for plugins.</b> A user's problem implements this interface in a public class with a
 * public constructor taking the {@link io.hypergrad.common.config.RunConfig} (or none), and is named in a
 * config as {@code hypergrad.problem = "class:com.acme.MyProblem"}; its jar goes on the application class
 * path ({@code spark-submit --jars}, {@code spark.jars}), from which the driver and every executor load it.
 * The contract that keeps runs exact and reproducible: {@link #task} is a pure function of its arguments
 * (draw randomness from {@link io.hypergrad.common.random.CounterRng} keyed by them, never from a clock or
 * a shared generator); λ's layout is the model's {@link Role#HYPER} tensors of {@link #layout()} followed by
 * the optimiser's hyperparameters; objectives are recorded on the tape so that the engine can take exact
 * Hessian-vector products through them. A problem may also implement {@link FinalTest} to end runs with a
 * test of the initial against the tuned λ. Worked example: {@code deploy/examples/plugin/}.
 */
public interface MetaProblem {
    /** The problem's name, e.g. {@code sinusoid}. */
    String name();

    /** Where every parameter tensor lives: w (inner) and the model's λ tensors. */
    ParamLayout layout();

    /** L_train(w, λ; D). */
    Objective trainObjective();

    /** L_val(w, λ; D) — the outer objective. */
    Objective valObjective();

    /** A fresh inner optimiser (they keep per-thread scratch). */
    InnerOptimizer newOptimizer();

    /** Inner steps T of one episode. */
    int innerSteps();

    /** The initial λ: the model's λ tensors then the optimiser's hyperparameters. */
    double[] initialLambda(long seed);

    /** The initial meta-initialisation φ of w (the starting weights of every episode). */
    double[] initialPhi(long seed);

    /**
     * Whether the driver meta-learns φ (the start of every episode) by Reptile. Meta-learning problems do;
     * hyperparameter optimisation, where every task is a training run from the same initialisation, does not.
     */
    default boolean learnsInitialisation() {
        return true;
    }

    /** Task {@code index} of a split for a round, drawn from counter-keyed streams. */
    Task task(long seed, Split split, int round, int index);

    /** Loss and accuracy of the model (w, λ) on a batch. */
    Evaluation evaluate(double[] w, double[] lambdaModel, Batch batch);

    /**
     * The network a run has learned, for hand-off to other frameworks: λ's layers with the given inner
     * weights (φ, or the weights an episode has reached) and the optimiser settings of the trainable layers.
     *
     * @param lambda the full λ
     * @param w      the inner weights to export
     * @param seed   the run's seed (picks the calibration batch from a meta-test task)
     */
    LearnedNetwork learnedNetwork(double[] lambda, double[] w, long seed);
}
