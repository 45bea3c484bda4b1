package io.maskwatch.ingest.camera;

/** A camera could not be opened or read. The message is safe to log: it never carries credentials. */
public class SourceException extends Exception {
    public SourceException(String message) {
        super(message);
    }
}
