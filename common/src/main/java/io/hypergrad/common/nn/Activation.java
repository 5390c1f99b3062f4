package io.hypergrad.common.nn;

import io.hypergrad.common.autodiff.Ops;
import io.hypergrad.common.autodiff.Var;
import java.util.List;
import java.util.Locale;

/** A parameter-free element-wise non-linearity. */
public enum Activation implements Layer {
    IDENTITY, TANH, RELU, SIGMOID, SOFTPLUS, LEAKY_RELU,
    /** GELU in its tanh approximation (see {@link Ops#gelu}). */
    GELU;

    /** Parses "tanh", "relu", "identity", … (case-insensitive); unknown names list the known ones. */
    public static Activation parse(String name) {
        try {
            return valueOf(name.trim().toUpperCase(Locale.ROOT).replace('-', '_'));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown activation '" + name + "'; known: identity, tanh, relu, sigmoid, softplus, leaky_relu, gelu");
        }
    }

    @Override
    public List<ParamSpec> params() {
        return List.of();
    }

    @Override
    public Var forward(Var x, Bound p, String prefix) {
        return apply(x);
    }

    /** The non-linearity applied to x. */
    public Var apply(Var x) {
        return this == IDENTITY ? x : Ops.apply(pointwise(), x);
    }

    /** The leaky ReLU's slope for negative inputs. */
    private static final Ops.Pointwise LEAKY = Ops.leakyReluMap(0.01);

    /** The map an op can fuse ({@link Ops#addChannelsThen}); null for the identity. */
    Ops.Pointwise pointwise() {
        return switch (this) {
            case IDENTITY -> null;
            case TANH -> Ops.TANH;
            case RELU -> Ops.RELU;
            case SIGMOID -> Ops.SIGMOID;
            case SOFTPLUS -> Ops.SOFTPLUS;
            case LEAKY_RELU -> LEAKY;
            case GELU -> Ops.GELU;
        };
    }

    @Override
    public String describe() {
        return name().toLowerCase(Locale.ROOT);
    }
}
