package io.maskwatch.model;

/** The classifier could not be loaded; the message says what is missing or wrong and how to fix it. */
public class ModelLoadException extends RuntimeException {
    public ModelLoadException(String message) {
        super(message);
    }

    public ModelLoadException(String message, Throwable cause) {
        super(message, cause);
    }
}
