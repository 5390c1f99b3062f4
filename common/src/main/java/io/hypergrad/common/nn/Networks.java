package io.hypergrad.common.nn;

/**
 * The networks of the shipped problems, with their split into inner weights w and hyperparameters λ.
 */
public final class Networks {
    private Networks() {}

    /**
     * Conv-4 (ANIL): four blocks of [conv 3×3 (pad 1) → batch norm → ReLU → 2×2 max-pool] on
     * {@code inChannels}×{@code size}×{@code size} input, then a linear head to {@code classes}. The
     * bottom {@code hyperBlocks} blocks are λ; the remaining blocks and the head are w. Layers are named
     * block1-conv, block1-bn, …, head.
     */
    public static Model conv4(int inChannels, int size, int channels, int classes, int hyperBlocks) {
        Model.Builder b = Model.builder();
        int c = inChannels;
        int s = size;
        for (int k = 1; k <= 4; k++) {
            Role role = k <= hyperBlocks ? Role.HYPER : Role.INNER;
            b.add("block" + k + "-conv", Conv2d.same3x3(c, channels), role);
            b.add("block" + k + "-bn", new BatchNorm(channels), role);
            b.add("block" + k + "-relu", Activation.RELU);
            b.add("block" + k + "-pool", Pool.max(2));
            c = channels;
            s = s / 2;
            if (s < 1) {
                throw new IllegalArgumentException("Conv-4 needs an input of at least 16×16, got " + size);
            }
        }
        b.add("flatten", Pool.flatten());
        b.add("head", new Dense(channels * s * s, classes), Role.INNER);
        return b.build();
    }

    /**
     * WarpGrad's network: {@code layers} task convolutions (3×3, pad 1, then batch norm, ReLU and 2×2
     * max-pool), each followed by two shape-preserving warp convolutions (3×3, pad 1) that are λ, then a
     * linear head. The task layers and the head are w.
     */
    public static Model warpNet(int inChannels, int size, int channels, int classes, int layers) {
        Model.Builder b = Model.builder();
        int c = inChannels;
        int s = size;
        for (int k = 1; k <= layers; k++) {
            b.add("task" + k + "-conv", Conv2d.same3x3(c, channels), Role.INNER);
            b.add("task" + k + "-bn", new BatchNorm(channels), Role.INNER);
            b.add("task" + k + "-relu", Activation.RELU);
            b.add("warp" + k + "a", Conv2d.same3x3(channels, channels), Role.HYPER);
            b.add("warp" + k + "a-relu", Activation.RELU);
            b.add("warp" + k + "b", Conv2d.same3x3(channels, channels), Role.HYPER);
            b.add("task" + k + "-pool", Pool.max(2));
            c = channels;
            s = s / 2;
        }
        b.add("flatten", Pool.flatten());
        b.add("head", new Dense(channels * s * s, classes), Role.INNER);
        return b.build();
    }
}
