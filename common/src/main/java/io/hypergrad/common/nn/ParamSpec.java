package io.hypergrad.common.nn;

import java.util.Arrays;

/**
 * One parameter tensor of a layer: its local name ("W", "b", "gamma"), shape, initialiser and fan-in.
 *
 * @param name  local name within the layer
 * @param shape row-major shape
 * @param init  initialiser
 * @param fanIn inputs per output unit, for {@link Init#FAN_IN_UNIFORM}
 */
public record ParamSpec(String name, int[] shape, Init init, int fanIn) {
    public ParamSpec {
        shape = shape.clone();
    }

    /** Number of elements. */
    public int size() {
        int n = 1;
        for (int d : shape) {
            n *= d;
        }
        return n;
    }

    @Override
    public int[] shape() {
        return shape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ParamSpec p && p.name.equals(name) && Arrays.equals(p.shape, shape)
                && p.init == init && p.fanIn == fanIn;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + Arrays.toString(shape);
    }
}
