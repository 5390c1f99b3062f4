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

    /** The examples of {@code a} followed by those of {@code b}; either alone when the other is empty. */
    public static Batch concat(Batch a, Batch b) {
        if (b.size() == 0) {
            return a;
        }
        if (a.size() == 0) {
            return b;
        }
        if (!java.util.Arrays.equals(a.featureShape, b.featureShape)) {
            throw new IllegalArgumentException("cannot join batches of shapes " + Arrays.toString(a.featureShape) + " and "
                    + Arrays.toString(b.featureShape));
        }
        double[] x = Arrays.copyOf(a.x, a.x.length + b.x.length);
        System.arraycopy(b.x, 0, x, a.x.length, b.x.length);
        int[] l = a.labels == null ? null : Arrays.copyOf(a.labels, a.labels.length + b.labels.length);
        if (l != null) {
            System.arraycopy(b.labels, 0, l, a.labels.length, b.labels.length);
        }
        double[] t = a.targets == null ? null : Arrays.copyOf(a.targets, a.targets.length + b.targets.length);
        if (t != null) {
            System.arraycopy(b.targets, 0, t, a.targets.length, b.targets.length);
        }
        return new Batch(x, a.featureShape, l, t);
    }

    /** k examples drawn without replacement by {@code rng}; the batch itself when k is its size. */
    public Batch subsample(int k, io.hypergrad.common.random.CounterRng rng) {
        if (k >= size()) {
            return this;
        }
        return select(rng.sample(size(), Math.max(0, k)));
    }

    private static int featureSize(int[] shape) {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }
}
