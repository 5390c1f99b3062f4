package io.hypergrad.common.data;

/** A dataset is missing or malformed; the message names the file and the byte offset or line. */
public final class DatasetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DatasetException(String message) {
        super(message);
    }

    public DatasetException(String message, Throwable cause) {
        super(message, cause);
    }
}
