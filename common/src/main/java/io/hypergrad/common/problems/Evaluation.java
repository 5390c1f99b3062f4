package io.hypergrad.common.problems;

/**
 * A model measured on a batch.
 *
 * @param loss     the mean loss
 * @param accuracy the fraction classified correctly, or NaN for regression
 */
public record Evaluation(double loss, double accuracy) {}
