package io.maskwatch.model.tflite;

/** A TFLite file that cannot be read, or does not hold what the caller needs; the message says which. */
public class TfliteFormatException extends IllegalArgumentException {
    public TfliteFormatException(String message) {
        super(message);
    }
}
