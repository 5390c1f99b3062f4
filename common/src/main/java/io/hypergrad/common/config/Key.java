package io.hypergrad.common.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException.WrongType;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * A typed, documented, validated config key with a default, in the manner of Spark ML's {@code Param}.
 *
 * @param <T> the value type
 */
public final class Key<T> {
    /** The value types a key can have. */
    public enum Type { INT, LONG, DOUBLE, STRING, BOOLEAN, LIST, OBJECT }

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

    /** A list of strings; a single string is taken as a list of one. */
    public static Key<List<String>> stringListKey(String path, String doc) {
        return new Key<>(path, Type.LIST, List.of(), doc, "a list of strings", v -> true);
    }

    /** A list of integers, each in [min, max]. */
    public static Key<List<Integer>> intListKey(String path, int min, int max, String doc) {
        return new Key<>(path, Type.LIST, List.of(), doc, "a list of integers in [" + min + ", " + max + "]",
                v -> v.stream().allMatch(x -> x >= min && x <= max));
    }

    /** A list of objects (e.g. network layers), as plain maps; checked by a parser that throws IllegalArgumentException. */
    public static Key<List<Map<String, Object>>> objectListKey(String path, String allowed,
                                                             java.util.function.Consumer<List<Map<String, Object>>> parser, String doc) {
        return new Key<>(path, Type.LIST, List.of(), doc, allowed, v -> {
            parser.accept(v);
            return true;
        });
    }

    /** An object of string values (e.g. a reader's options): its own keys are free. */
    public static Key<Map<String, String>> mapKey(String path, String doc) {
        return new Key<>(path, Type.OBJECT, Map.of(), doc, "an object of string values", v -> true);
    }

    /** Whether the key holds an object whose own keys are free (paths under it belong to it). */
    public boolean isObject() {
        return type == Type.OBJECT;
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
                case LIST -> list(c);
                case OBJECT -> object(c);
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

    private Object list(Config c) {
        com.typesafe.config.ConfigValue v = c.getValue(path);
        if (v.valueType() != com.typesafe.config.ConfigValueType.LIST) {
            if (allowed.equals("a list of strings") && v.valueType() == com.typesafe.config.ConfigValueType.STRING) {
                return List.of((String) v.unwrapped());
            }
            throw new WrongType(v.origin(), path + " is not a list");
        }
        List<Object> out = new java.util.ArrayList<>();
        int i = 0;
        for (Object o : (List<?>) v.unwrapped()) {
            if (allowed.startsWith("a list of strings")) {
                if (!(o instanceof String) && !(o instanceof Number) && !(o instanceof Boolean)) {
                    throw new ConfigException(path + "[" + i + "] = " + o + ": expected " + allowed);
                }
                out.add(String.valueOf(o));
            } else if (allowed.startsWith("a list of integers")) {
                if (!(o instanceof Number n) || n.doubleValue() != Math.rint(n.doubleValue())) {
                    throw new ConfigException(path + "[" + i + "] = " + o + ": expected " + allowed);
                }
                out.add(n.intValue());
            } else {
                if (!(o instanceof Map<?, ?>)) {
                    throw new ConfigException(path + "[" + i + "] = " + o + ": expected an object { … }");
                }
                out.add(o);
            }
            i++;
        }
        return List.copyOf(out);
    }

    private Object object(Config c) {
        Map<String, String> out = new java.util.TreeMap<>();
        for (Map.Entry<String, com.typesafe.config.ConfigValue> e : c.getConfig(path).entrySet()) {
            out.put(e.getKey(), String.valueOf(e.getValue().unwrapped()));
        }
        return java.util.Collections.unmodifiableMap(out);
    }

    /** The value in HOCON syntax, for a run's record. */
    public String render(Object value) {
        if (value instanceof String s) {
            return "\"" + Redaction.text(s).replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
        }
        if (value instanceof List<?> || value instanceof Map<?, ?>) {
            return com.typesafe.config.ConfigValueFactory.fromAnyRef(value).render(com.typesafe.config.ConfigRenderOptions.concise());
        }
        return String.valueOf(value);
    }

    private String render(Config c) {
        return c.getValue(path).render(com.typesafe.config.ConfigRenderOptions.concise());
    }
}
