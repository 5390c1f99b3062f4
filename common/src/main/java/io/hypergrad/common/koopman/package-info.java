/**
 * Glocal hypergradients (Hataya &amp; Kawahara, 2024): a window of local hypergradients is compressed
 * (SVD, optionally delay-embedded) and fitted with an affine linear map; its decaying modes are
 * extrapolated to the remaining horizon of the episode, and the result is used only when a hold-out
 * test trusts it.
 *
 * <p>Entry point: {@link io.hypergrad.common.koopman.KoopmanEstimator} with a
 * {@link io.hypergrad.common.koopman.KoopmanConfig}, fed a
 * {@link io.hypergrad.common.koopman.Trajectory}; every
 * {@link io.hypergrad.common.koopman.KoopmanResult} carries the spectrum and, when the estimate is not
 * trusted, falls back to the last local hypergradient and says why
 * ({@link io.hypergrad.common.koopman.FallbackReason}); a
 * {@link io.hypergrad.common.koopman.FallbackCounter} counts that across calls. Linear algebra is
 * LAPACK ({@code dgesvd}, {@code dgeev}) through {@code dev.ludovic.netlib}.
 */
package io.hypergrad.common.koopman;
