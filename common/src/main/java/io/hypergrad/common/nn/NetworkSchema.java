package io.hypergrad.common.nn;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.StringJoiner;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The one layer schema of hypergrad: a network as a list of layer definitions, read from plain maps (a
 * HOCON list's {@code unwrapped()}, a JSON array read by Jackson) and built into a {@link Model} once the
 * input shape and the loss's output width are known. The same schema serves run configs, the
 * {@code hypergradient} command's spec and exported models. Immutable.
 *
 * <p>Layer types (field {@code type}), with their fields and defaults:
 * <pre>
 * dense     out, activation = identity, role = inner, bias = true
 * conv2d    out (channels), kernel = 3, stride = 1, padding = same (stride 1) | 0 (stride &gt; 1) | N,
 *           activation = identity, role = inner
 * batchnorm role = inner          (batch statistics, as {@link BatchNorm})
 * maxpool   size = 2              avgpool   size = 2
 * flatten                         dropout   rate = 0.5, in [0, 1)   (see {@link Dropout})
 * relu | tanh | sigmoid | gelu | identity   (an activation as its own layer)
 * </pre>
 * Every layer may have a {@code name} (unique; default the type's stem and its count: dense1, conv1,
 * bn1, maxpool1, avgpool1, flatten1, dropout1, relu1, …): it names the layer's tensors in w and λ
 * ({@code dense1/W}) and keys its dropout mask. A dense layer's {@code out} may be omitted on the last
 * layer only: it then takes the width the loss needs ({@link LossFunction#outputs}). Input widths are
 * inferred: a dense layer after an image [C, H, W] flattens it; conv2d, batchnorm and pooling take their
 * channels from the shape before them. An {@code activation} on dense or conv2d becomes a separate
 * parameter-free layer named {@code <name>-<activation>}.
 *
 * <p>Every error is a {@link SchemaException} whose message starts with the path of the offending field,
 * e.g. {@code hypergrad.model.layers[2].out: expected a positive integer, got -3}.
 */
public final class NetworkSchema {
    /** A layer type, by its config name. */
    public enum Type {
        DENSE("dense", "dense", "out", "activation", "role", "bias"),
        CONV2D("conv2d", "conv", "out", "kernel", "stride", "padding", "activation", "role"),
        BATCHNORM("batchnorm", "bn", "role"),
        MAXPOOL("maxpool", "maxpool", "size"),
        AVGPOOL("avgpool", "avgpool", "size"),
        FLATTEN("flatten", "flatten"),
        DROPOUT("dropout", "dropout", "rate"),
        RELU("relu", "relu"),
        TANH("tanh", "tanh"),
        SIGMOID("sigmoid", "sigmoid"),
        GELU("gelu", "gelu"),
        IDENTITY("identity", "identity");

        private final String configName;
        private final String stem;
        private final Set<String> fields;

        Type(String configName, String stem, String... fields) {
            this.configName = configName;
            this.stem = stem;
            TreeSet<String> f = new TreeSet<>(Arrays.asList(fields));
            f.add("type");
            f.add("name");
            this.fields = Collections.unmodifiableSet(f);
        }

        /** The name in configs, e.g. {@code conv2d}. */
        public String configName() {
            return configName;
        }

        /** The fields a layer of this type accepts (type and name included). */
        public Set<String> fields() {
            return fields;
        }

        /** The activation an activation-only type applies, or null for other types. */
        Activation activation() {
            return switch (this) {
                case RELU -> Activation.RELU;
                case TANH -> Activation.TANH;
                case SIGMOID -> Activation.SIGMOID;
                case GELU -> Activation.GELU;
                case IDENTITY -> Activation.IDENTITY;
                default -> null;
            };
        }

        static Type parse(String name) {
            for (Type t : values()) {
                if (t.configName.equals(name)) {
                    return t;
                }
            }
            return null;
        }
    }

    /** The activations the schema accepts, in the order error messages list them. */
    private static final List<Activation> ACTIVATIONS =
            List.of(Activation.IDENTITY, Activation.TANH, Activation.RELU, Activation.SIGMOID, Activation.GELU);

    /**
     * One parsed layer, defaults resolved. Fields that do not apply to the type hold neutral values and
     * are ignored.
     *
     * @param type       the layer type
     * @param name       unique name
     * @param out        output width or channels (dense, conv2d); null only for a last dense layer that
     *                   takes the loss's width
     * @param activation applied after dense or conv2d (identity: none)
     * @param role       where the tensors live (dense, conv2d, batchnorm)
     * @param bias       whether a dense layer adds a bias
     * @param kernel     conv2d kernel size
     * @param stride     conv2d stride
     * @param padding    conv2d padding, or null for "same" ((kernel − 1)/2 at stride 1)
     * @param size       pooling window and stride
     * @param rate       dropout rate
     */
    public record LayerDef(Type type, String name, Integer out, Activation activation, Role role, boolean bias,
                           int kernel, int stride, Integer padding, int size, double rate) {
        public LayerDef {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(name, "name");
        }

        /** The name of the separate activation layer of a dense or conv2d layer, or null when there is none. */
        public String activationName() {
            return (type == Type.DENSE || type == Type.CONV2D) && activation != Activation.IDENTITY
                    ? name + "-" + activation.describe() : null;
        }

        /** The canonical map: type, name, then every field of the type with its resolved value. */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("type", type.configName());
            m.put("name", name);
            switch (type) {
                case DENSE -> {
                    if (out != null) {
                        m.put("out", out);
                    }
                    m.put("activation", activation.describe());
                    m.put("role", roleName(role));
                    m.put("bias", bias);
                }
                case CONV2D -> {
                    m.put("out", out);
                    m.put("kernel", kernel);
                    m.put("stride", stride);
                    m.put("padding", padding == null ? "same" : padding);
                    m.put("activation", activation.describe());
                    m.put("role", roleName(role));
                }
                case BATCHNORM -> m.put("role", roleName(role));
                case MAXPOOL, AVGPOOL -> m.put("size", size);
                case DROPOUT -> m.put("rate", rate);
                default -> { }
            }
            return m;
        }
    }

    /** A schema is malformed or does not fit the data; the message starts with the path of the field. */
    public static final class SchemaException extends IllegalArgumentException {
        private static final long serialVersionUID = 1L;
        private final String path;
        private final String problem;

        public SchemaException(String path, String problem) {
            super(path + ": " + problem);
            this.path = path;
            this.problem = problem;
        }

        /** The path of the offending field, e.g. {@code hypergrad.model.layers[2].out}. */
        public String path() {
            return path;
        }

        /** What is wrong, without the path. */
        public String problem() {
            return problem;
        }
    }

    private final List<LayerDef> layers;
    private final String where;

    private NetworkSchema(List<LayerDef> layers, String where) {
        this.layers = List.copyOf(layers);
        this.where = where;
    }

    /**
     * Parses layer definitions.
     *
     * @param layers plain maps, one per layer: strings, booleans and numbers (Integer, Long or Double; an
     *               integral Double such as 3.0 counts as an integer)
     * @param where  the path of the list in the user's input, prefixed to every error, e.g.
     *               {@code hypergrad.model.layers}
     * @throws SchemaException naming the field's path and what is wrong
     */
    public static NetworkSchema parse(List<? extends Map<String, ?>> layers, String where) {
        if (layers == null || layers.isEmpty()) {
            throw new SchemaException(where, "expected a non-empty list of layers");
        }
        List<LayerDef> defs = new ArrayList<>();
        Map<String, String> owners = new HashMap<>();
        Map<Type, Integer> counts = new HashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            String p = where + "[" + i + "]";
            Map<String, ?> m = layers.get(i);
            if (m == null) {
                throw new SchemaException(p, "expected a layer with a type; known types: " + knownTypes());
            }
            LayerDef d = parseLayer(m, p, i == layers.size() - 1, counts.merge(typeOf(m, p), 1, Integer::sum));
            claim(owners, d.name(), p, p + ".name");
            if (d.activationName() != null) {
                claim(owners, d.activationName(), p, p + ".activation");
            }
            defs.add(d);
        }
        return new NetworkSchema(defs, where);
    }

    /** The known layer types, comma-separated. */
    public static String knownTypes() {
        return Arrays.stream(Type.values()).map(Type::configName).collect(Collectors.joining(", "));
    }

    private static void claim(Map<String, String> owners, String name, String owner, String path) {
        String before = owners.putIfAbsent(name, owner);
        if (before != null) {
            throw new SchemaException(path, "the layer name '" + name + "' is already taken by " + before
                    + (name.contains("-") ? " (an activation field adds a layer named <name>-<activation>)" : ""));
        }
    }

    private static Type typeOf(Map<String, ?> m, String p) {
        Object t = m.get("type");
        if (t == null) {
            throw new SchemaException(p + ".type", "missing; known types: " + knownTypes());
        }
        Type type = t instanceof String s ? Type.parse(s.trim().toLowerCase(Locale.ROOT)) : null;
        if (type == null) {
            throw new SchemaException(p + ".type", "unknown layer type " + shown(t) + "; known: " + knownTypes());
        }
        return type;
    }

    private static LayerDef parseLayer(Map<String, ?> m, String p, boolean last, int ordinal) {
        Type type = typeOf(m, p);
        for (String f : m.keySet()) {
            if (!type.fields().contains(f)) {
                throw new SchemaException(p + "." + f, "unknown field for a " + type.configName() + " layer; known: "
                        + String.join(", ", type.fields()));
            }
        }
        String name = m.containsKey("name") ? name(m.get("name"), p + ".name") : type.stem + ordinal;
        Integer out = null;
        if (type == Type.DENSE || type == Type.CONV2D) {
            if (m.get("out") != null) {
                out = positive(m.get("out"), p + ".out");
            } else if (type == Type.CONV2D || !last) {
                throw new SchemaException(p + ".out", "missing: " + (type == Type.CONV2D ? "the number of output channels"
                        : "only the last layer may omit it (it then takes the width the loss needs)"));
            }
        }
        Activation act = type.activation() != null ? type.activation()
                : m.containsKey("activation") ? activation(m.get("activation"), p + ".activation") : Activation.IDENTITY;
        Role role = m.containsKey("role") ? role(m.get("role"), p + ".role") : Role.INNER;
        boolean bias = !m.containsKey("bias") || bool(m.get("bias"), p + ".bias");
        int kernel = m.containsKey("kernel") ? positive(m.get("kernel"), p + ".kernel") : 3;
        int stride = m.containsKey("stride") ? positive(m.get("stride"), p + ".stride") : 1;
        Integer padding = padding(m.get("padding"), p + ".padding", kernel, stride);
        int size = m.containsKey("size") ? positive(m.get("size"), p + ".size") : 2;
        double rate = m.containsKey("rate") ? rate(m.get("rate"), p + ".rate") : 0.5;
        return new LayerDef(type, name, out, act, role, bias, kernel, stride, padding, size, rate);
    }

    private static String name(Object v, String p) {
        if (!(v instanceof String s) || s.isBlank() || s.contains("/") || !s.equals(s.trim())) {
            throw new SchemaException(p, "expected a non-empty name without '/' or surrounding spaces, got " + shown(v));
        }
        return s;
    }

    private static int positive(Object v, String p) {
        Integer n = integer(v);
        if (n == null || n < 1) {
            throw new SchemaException(p, "expected a positive integer, got " + shown(v));
        }
        return n;
    }

    /** The int value of an integral number (Integer, Long, or a Double such as 3.0), else null. */
    private static Integer integer(Object v) {
        if (!(v instanceof Number n)) {
            return null;
        }
        double d = n.doubleValue();
        if (d != Math.rint(d) || Math.abs(d) > Integer.MAX_VALUE) {
            return null;
        }
        return (int) d;
    }

    private static Activation activation(Object v, String p) {
        String known = ACTIVATIONS.stream().map(Activation::describe).collect(Collectors.joining(", "));
        if (v instanceof String s) {
            for (Activation a : ACTIVATIONS) {
                if (a.describe().equals(s.trim().toLowerCase(Locale.ROOT))) {
                    return a;
                }
            }
        }
        throw new SchemaException(p, "unknown activation " + shown(v) + "; known: " + known);
    }

    private static Role role(Object v, String p) {
        if ("inner".equals(v)) {
            return Role.INNER;
        }
        if ("hyper".equals(v)) {
            return Role.HYPER;
        }
        throw new SchemaException(p, "unknown role " + shown(v) + "; known: inner, hyper");
    }

    private static boolean bool(Object v, String p) {
        if (v instanceof Boolean b) {
            return b;
        }
        throw new SchemaException(p, "expected true or false, got " + shown(v));
    }

    private static Integer padding(Object v, String p, int kernel, int stride) {
        if (v == null || "same".equals(v)) {
            if (stride != 1) {
                if (v == null) {
                    return 0; // "same" is only defined at stride 1; a strided convolution defaults to no padding
                }
                throw new SchemaException(p, "\"same\" needs stride 1; give the padding as a number for stride " + stride);
            }
            if (kernel % 2 == 0) {
                throw new SchemaException(p, "\"same\" needs an odd kernel, got " + kernel + "; give the padding as a number");
            }
            return null;
        }
        Integer n = integer(v);
        if (n == null || n < 0) {
            throw new SchemaException(p, "expected \"same\" or a non-negative integer, got " + shown(v));
        }
        return n;
    }

    private static double rate(Object v, String p) {
        if (!(v instanceof Number n) || !(n.doubleValue() >= 0 && n.doubleValue() < 1)) {
            throw new SchemaException(p, "expected a number in [0, 1), got " + shown(v));
        }
        return n.doubleValue();
    }

    /** A value as the user wrote it: strings quoted, so '3' and 3 read differently. */
    private static String shown(Object v) {
        return v instanceof String s ? "'" + s + "'" : String.valueOf(v);
    }

    /** The layers, defaults resolved. */
    public List<LayerDef> layers() {
        return layers;
    }

    /** Whether any layer is a dropout layer (so training and inference models differ). */
    public boolean hasDropout() {
        return layers.stream().anyMatch(d -> d.type() == Type.DROPOUT);
    }

    /**
     * Builds the network with shape inference.
     *
     * @param inputShape the shape of one example: {F} for vectors, {C, H, W} for images
     * @param outputs    the width the loss needs ({@link LossFunction#outputs}); the network must end with it
     * @param training   false makes every dropout layer the identity; the {@link ParamLayout} is the same
     * @throws SchemaException naming the layer whose shapes do not fit
     */
    public Model build(int[] inputShape, int outputs, boolean training) {
        if (inputShape == null || inputShape.length == 0 || Arrays.stream(inputShape).anyMatch(d -> d < 1)) {
            throw new SchemaException(where, "the input shape must be positive dimensions, e.g. [F] or [C, H, W], got "
                    + Arrays.toString(inputShape));
        }
        if (outputs < 1) {
            throw new SchemaException(where, "the loss needs a positive number of outputs, got " + outputs);
        }
        Model.Builder b = Model.builder();
        int[] shape = inputShape.clone();
        for (int i = 0; i < layers.size(); i++) {
            LayerDef d = layers.get(i);
            String p = where + "[" + i + "]";
            switch (d.type()) {
                case DENSE -> {
                    int out = d.out() != null ? d.out() : outputs;
                    b.add(d.name(), new Dense(product(shape), out, d.bias()), d.role());
                    shape = new int[] {out};
                }
                case CONV2D -> {
                    requireImage(shape, p, "conv2d");
                    int pad = d.padding() != null ? d.padding() : (d.kernel() - 1) / 2;
                    int h = (shape[1] + 2 * pad - d.kernel()) / d.stride() + 1;
                    int w = (shape[2] + 2 * pad - d.kernel()) / d.stride() + 1;
                    if (shape[1] + 2 * pad < d.kernel() || shape[2] + 2 * pad < d.kernel()) {
                        throw new SchemaException(p, "a " + d.kernel() + "×" + d.kernel() + " kernel with padding " + pad
                                + " does not fit its " + shape[1] + "×" + shape[2] + " input " + Arrays.toString(shape));
                    }
                    b.add(d.name(), new Conv2d(shape[0], d.out(), d.kernel(), d.stride(), pad), d.role());
                    shape = new int[] {d.out(), h, w};
                }
                case BATCHNORM -> b.add(d.name(), new BatchNorm(shape[0]), d.role());
                case MAXPOOL, AVGPOOL -> {
                    requireImage(shape, p, d.type().configName());
                    if (d.size() > shape[1] || d.size() > shape[2]) {
                        throw new SchemaException(p, "a " + d.size() + "×" + d.size() + " pool shrinks its " + shape[1] + "×"
                                + shape[2] + " input " + Arrays.toString(shape) + " below 1×1");
                    }
                    b.add(d.name(), d.type() == Type.MAXPOOL ? Pool.max(d.size()) : Pool.avg(d.size()));
                    shape = new int[] {shape[0], (shape[1] - d.size()) / d.size() + 1, (shape[2] - d.size()) / d.size() + 1};
                }
                case FLATTEN -> {
                    b.add(d.name(), Pool.flatten());
                    shape = new int[] {product(shape)};
                }
                case DROPOUT -> b.add(d.name(), new Dropout(d.rate(), training));
                default -> b.add(d.name(), d.type().activation());
            }
            if (d.activationName() != null) {
                b.add(d.activationName(), d.activation());
            }
        }
        if (shape.length != 1 || shape[0] != outputs) {
            throw new SchemaException(where, "the network ends with outputs of shape " + Arrays.toString(shape) + " per example, "
                    + "but the loss needs " + outputs + (shape.length != 1 ? " (end it with flatten and a dense layer)"
                    : " (omit the last dense layer's out and it takes the loss's width)"));
        }
        return b.build();
    }

    private static void requireImage(int[] shape, String p, String what) {
        if (shape.length != 3) {
            throw new SchemaException(p, what + " needs image inputs [C, H, W], but its input has shape " + Arrays.toString(shape)
                    + (shape.length == 1 ? " (a flat vector: for image data set its shape, e.g. hypergrad.data.shape = [C, H, W])" : ""));
        }
    }

    private static int product(int[] shape) {
        int p = 1;
        for (int d : shape) {
            p = Math.multiplyExact(p, d);
        }
        return p;
    }

    /** The number of parameters (w and λ together) of the network built for this input shape and width. */
    public int parameterCount(int[] inputShape, int outputs) {
        ParamLayout l = build(inputShape, outputs, false).layout();
        return l.size(Role.INNER) + l.size(Role.HYPER);
    }

    /** The canonical form: one map per layer with every field resolved; {@link #parse} reads it back to an equal schema. */
    public List<Map<String, Object>> toMaps() {
        List<Map<String, Object>> out = new ArrayList<>();
        for (LayerDef d : layers) {
            out.add(d.toMap());
        }
        return out;
    }

    /** One line per layer, e.g. {@code dense1  dense out=64 activation=relu role=inner bias=true}. */
    public String describe() {
        StringJoiner j = new StringJoiner("\n");
        for (LayerDef d : layers) {
            Map<String, Object> m = d.toMap();
            StringBuilder s = new StringBuilder(String.format("%-12s %-9s", d.name(), d.type().configName()));
            m.forEach((k, v) -> {
                if (!k.equals("type") && !k.equals("name")) {
                    s.append(' ').append(k).append('=').append(v);
                }
            });
            if (d.type() == Type.DENSE && d.out() == null) {
                s.append(" out=(the loss's width)");
            }
            j.add(s.toString().stripTrailing());
        }
        return j.toString();
    }

    private static String roleName(Role r) {
        return r.name().toLowerCase(Locale.ROOT);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NetworkSchema s && s.layers.equals(layers);
    }

    @Override
    public int hashCode() {
        return layers.hashCode();
    }

    @Override
    public String toString() {
        return describe();
    }
}
