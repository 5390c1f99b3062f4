/**
 * Glocal hypergradients (Hataya &amp; Kawahara, 2024): a window of local hypergradients is
 * delay-embedded and fitted with exact dynamic mode decomposition; the eigenvalue-1 mode (the limit)
 * or the extrapolation to the training horizon is the global hypergradient.
 *
 * <p>Entry point: {@link io.hypergrad.common.koopman.KoopmanEstimator} with a
 * {@link io.hypergrad.common.koopman.KoopmanConfig}, fed a
 * {@link io.hypergrad.common.koopman.Trajectory}; every
 * {@link io.hypergrad.common.koopman.KoopmanResult} carries the spectrum and, when no mode is
 * trustworthy, falls back to the last local hypergradient and says why
 * ({@link io.hypergrad.common.koopman.FallbackReason}); a
 * {@link io.hypergrad.common.koopman.FallbackCounter} counts that across calls. Linear algebra is
 * LAPACK ({@code dgesvd}, {@code dgeev}) through {@code dev.ludovic.netlib}.
 */
package io.hypergrad.common.koopman;
