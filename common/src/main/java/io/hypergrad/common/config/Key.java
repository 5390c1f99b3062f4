package io.hypergrad.common.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException.WrongType;
import java.util.List;
import java.util.function.Predicate;

/**
 * A typed, documented, validated config key with a default, in the manner of Spark ML's {@code Param}.
 *
 * @param <T> the value type
 */
public final class Key<T> {
    /** The value types a key can have. */
    public enum Type { INT, LONG, DOUBLE, STRING, BOOLEAN }

    private final String path;
    private final Type type;
    private final T defaultValue;
    private final String doc;
    private final String allowed;
    private final Predicate<T> valid;

    private Key(String path, Type type, T defaultValue, String doc, String allowed, Predicate<T> valid) {
        this.path = path;
        this.type = type;
        this.defaultValue = defaultValue;
        this.doc = doc;
        this.allowed = allowed;
        this.valid = valid;
    }

    public static Key<Integer> intKey(String path, int def, int min, int max, String doc) {
        return new Key<>(path, Type.INT, def, doc, "an integer in [" + min + ", " + max + "]", v -> v >= min && v <= max);
    }

    public static Key<Long> longKey(String path, long def, String doc) {
        return new Key<>(path, Type.LONG, def, doc, "an integer", v -> true);
    }

    public static Key<Double> doubleKey(String path, double def, double min, double max, String doc) {
        return new Key<>(path, Type.DOUBLE, def, doc, "a number in [" + min + ", " + max + "]",
                v -> !v.isNaN() && v >= min && v <= max);
    }

    public static Key<String> stringKey(String path, String def, String doc) {
        return new Key<>(path, Type.STRING, def, doc, "a string", v -> true);
    }

    public static Key<String> choiceKey(String path, String def, List<String> choices, String doc) {
        return new Key<>(path, Type.STRING, def, doc, "one of " + String.join(", ", choices), choices::contains);
    }

    /** A string validated by a parser that throws IllegalArgumentException with its own message. */
    public static Key<String> parsedKey(String path, String def, String allowed, java.util.function.Consumer<String> parser, String doc) {
        return new Key<>(path, Type.STRING, def, doc, allowed, v -> {
            parser.accept(v);
            return true;
        });
    }

    public static Key<Boolean> boolKey(String path, boolean def, String doc) {
        return new Key<>(path, Type.BOOLEAN, def, doc, "true or false", v -> true);
    }

    public String path() {
        return path;
    }

    public Type type() {
        return type;
    }

    public T defaultValue() {
        return defaultValue;
    }

    public String doc() {
        return doc;
    }

    public String allowed() {
        return allowed;
    }

    /** The value in {@code c} (or the default), checked for type and range. */
    @SuppressWarnings("unchecked")
    public T get(Config c) {
        if (!c.hasPath(path)) {
            return defaultValue;
        }
        if ((type == Type.INT || type == Type.LONG) && c.getValue(path).unwrapped() instanceof Number n
                && (n instanceof Double || n instanceof Float) && n.doubleValue() != Math.rint(n.doubleValue())) {
            throw new ConfigException(path + " = " + render(c) + ": expected " + allowed + " (a whole number)");
        }
        T v;
        try {
            v = (T) switch (type) {
                case INT -> c.getInt(path);
                case LONG -> c.getLong(path);
                case DOUBLE -> c.getDouble(path);
                case STRING -> c.getString(path);
                case BOOLEAN -> c.getBoolean(path);
            };
        } catch (WrongType | com.typesafe.config.ConfigException.BadValue e) {
            throw new ConfigException(path + " = " + render(c) + ": expected " + allowed);
        }
        boolean ok;
        try {
            ok = valid.test(v);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(path + " = " + v + ": " + e.getMessage());
        }
        if (!ok) {
            throw new ConfigException(path + " = " + v + ": expected " + allowed);
        }
        return v;
    }

    private String render(Config c) {
        return c.getValue(path).render(com.typesafe.config.ConfigRenderOptions.concise());
    }
}
