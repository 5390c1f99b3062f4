package io.hypergrad.common.autodiff;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reuses {@code double[]} buffers by length across tape recordings. An inner loop records the same graph
 * every step, so after the first step every request is served from the pool and the hot path allocates
 * no arrays.
 */
final class ArrayPool {
    // The free lists by length, found by a linear scan: a graph uses a few dozen distinct lengths at
    // most, and an int key needs no boxing (a HashMap<Integer, …> allocates an Integer per lookup).
    private int[] lengths = new int[16];
    private final List<ArrayDeque<double[]>> free = new ArrayList<>();
    private final List<double[]> lent = new ArrayList<>();

    /** An array of the given length with unspecified contents. */
    double[] take(int length) {
        ArrayDeque<double[]> q = queue(length);
        double[] a;
        if (q.isEmpty()) {
            a = new double[length];
        } else {
            a = q.pop();
        }
        lent.add(a);
        assert poison(a);
        return a;
    }

    /**
     * Fills a lent array with NaN when assertions are on (as in tests), so that an op reading a buffer
     * before writing it, or adding into an adjoint it did not claim, shows up as NaN instead of passing
     * on zeros from a fresh array.
     */
    private static boolean poison(double[] a) {
        Arrays.fill(a, Double.NaN);
        return true;
    }

    /** An array of the given length filled with zeros. */
    double[] takeZeroed(int length) {
        double[] a = take(length);
        Arrays.fill(a, 0.0);
        return a;
    }

    /** Returns every array lent since the last call; callers must not use them afterwards. */
    void releaseAll() {
        for (int i = 0; i < lent.size(); i++) {
            double[] a = lent.get(i);
            queue(a.length).push(a);
        }
        lent.clear();
    }

    private ArrayDeque<double[]> queue(int length) {
        int n = free.size();
        for (int i = 0; i < n; i++) {
            if (lengths[i] == length) {
                return free.get(i);
            }
        }
        if (n == lengths.length) {
            lengths = Arrays.copyOf(lengths, 2 * n);
        }
        lengths[n] = length;
        ArrayDeque<double[]> q = new ArrayDeque<>();
        free.add(q);
        return q;
    }
}
