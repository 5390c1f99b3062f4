package io.hypergrad.common.autodiff;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reuses {@code double[]} buffers by length across tape recordings. An inner loop records the same graph
 * every step, so after the first step every request is served from the pool and the hot path allocates
 * no arrays.
 */
final class ArrayPool {
    private final Map<Integer, ArrayDeque<double[]>> free = new HashMap<>();
    private final List<double[]> lent = new ArrayList<>();

    /** An array of the given length with unspecified contents. */
    double[] take(int length) {
        ArrayDeque<double[]> q = free.get(length);
        double[] a = (q == null || q.isEmpty()) ? new double[length] : q.pop();
        lent.add(a);
        return a;
    }

    /** An array of the given length filled with zeros. */
    double[] takeZeroed(int length) {
        double[] a = take(length);
        java.util.Arrays.fill(a, 0.0);
        return a;
    }

    /** Returns every array lent since the last call; callers must not use them afterwards. */
    void releaseAll() {
        for (double[] a : lent) {
            free.computeIfAbsent(a.length, k -> new ArrayDeque<>()).push(a);
        }
        lent.clear();
    }
}
