package io.maskwatch.detector.catalogue;

/** A model could not be fetched, imported or verified; the message says what is wrong and what to do. */
public class ModelInstallException extends RuntimeException {
    public ModelInstallException(String message) {
        super(message);
    }

    public ModelInstallException(String message, Throwable cause) {
        super(message, cause);
    }
}
