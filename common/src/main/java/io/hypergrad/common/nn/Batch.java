package io.hypergrad.common.nn;

import java.util.Arrays;

/**
 * A mini-batch as a model consumes it: inputs [n, …feature shape] row-major, with integer labels for
 * classification or real targets for regression.
 *
 * @param x            inputs, row-major
 * @param featureShape the shape of one example, e.g. {784} or {1, 28, 28}
 * @param labels       class labels (length n) or null
 * @param targets      regression targets (n × targetWidth) or null
 */
public record Batch(double[] x, int[] featureShape, int[] labels, double[] targets) {
    public Batch {
        int n = featureSize(featureShape) == 0 ? 0 : x.length / featureSize(featureShape);
        if (n * featureSize(featureShape) != x.length) {
            throw new IllegalArgumentException("inputs of length " + x.length + " are not whole examples of shape "
                    + Arrays.toString(featureShape));
        }
        if (labels != null && labels.length != n) {
            throw new IllegalArgumentException(labels.length + " labels for " + n + " examples");
        }
        if (targets != null && (n == 0 ? targets.length != 0 : targets.length % n != 0)) {
            throw new IllegalArgumentException(targets.length + " targets for " + n + " examples");
        }
    }

    /** Number of examples. */
    public int size() {
        int f = featureSize(featureShape);
        return f == 0 ? 0 : x.length / f;
    }

    /** The input tensor's full shape, [n, …featureShape]. */
    public int[] inputShape() {
        int[] s = new int[featureShape.length + 1];
        s[0] = size();
        System.arraycopy(featureShape, 0, s, 1, featureShape.length);
        return s;
    }

    /** The examples at the given indices, in that order. */
    public Batch select(int[] idx) {
        int f = featureSize(featureShape);
        double[] nx = new double[idx.length * f];
        int[] nl = labels == null ? null : new int[idx.length];
        int tw = targets == null ? 0 : targets.length / Math.max(1, size());
        double[] nt = targets == null ? null : new double[idx.length * tw];
        for (int i = 0; i < idx.length; i++) {
            System.arraycopy(x, idx[i] * f, nx, i * f, f);
            if (nl != null) {
                nl[i] = labels[idx[i]];
            }
            if (nt != null) {
                System.arraycopy(targets, idx[i] * tw, nt, i * tw, tw);
            }
        }
        return new Batch(nx, featureShape, nl, nt);
    }

    private static int featureSize(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
