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
        return switch (this) {
            case IDENTITY -> x;
            case TANH -> Ops.tanh(x);
            case RELU -> Ops.relu(x);
            case SIGMOID -> Ops.sigmoid(x);
            case SOFTPLUS -> Ops.softplus(x);
            case LEAKY_RELU -> Ops.leakyRelu(x, 0.01);
            case GELU -> Ops.gelu(x);
        };
    }

    @Override
    public String describe() {
        return name().toLowerCase(Locale.ROOT);
    }
}
