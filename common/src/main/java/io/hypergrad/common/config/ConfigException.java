package io.hypergrad.common.config;

/** A config key is unknown, mistyped or out of range; the message names the key, the value and what is allowed. */
public final class ConfigException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public ConfigException(String message) {
        super(message);
    }
}
