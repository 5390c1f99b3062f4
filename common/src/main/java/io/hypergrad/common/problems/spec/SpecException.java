package io.hypergrad.common.problems.spec;

/** A bilevel spec is malformed; the message starts with the JSON path of the offending field. */
public final class SpecException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public SpecException(String path, String message) {
        super(path + ": " + message);
    }
}
