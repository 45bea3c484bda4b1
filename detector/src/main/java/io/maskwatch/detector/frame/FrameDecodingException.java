package io.maskwatch.detector.frame;

/** A frame's bytes are not a decodable image. The message is short and safe for a DLQ header. */
public class FrameDecodingException extends RuntimeException {
    public FrameDecodingException(String message) {
        super(message);
    }
}
