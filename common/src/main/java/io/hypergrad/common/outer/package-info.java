/**
 * Outer optimisers for the hyperparameters λ, Optax-style: pure
 * {@link io.hypergrad.common.outer.OuterOptimizer#init init}/{@link io.hypergrad.common.outer.OuterOptimizer#update update}
 * pairs with explicit, checkpointable {@link io.hypergrad.common.outer.OptimizerState}, built and
 * composed through {@link io.hypergrad.common.outer.Transforms} (SGD, momentum, Adam, global-norm
 * clipping, chain, NaN/∞ guard) with learning rates from {@link io.hypergrad.common.outer.Schedules}.
 */
package io.hypergrad.common.outer;
