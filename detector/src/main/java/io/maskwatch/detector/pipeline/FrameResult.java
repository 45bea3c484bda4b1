package io.maskwatch.detector.pipeline;

import io.maskwatch.common.contract.Face;
import java.util.List;

/**
 * What the pipeline made of one frame: either faces or, for undecodable input, an error.
 *
 * @param width  decoded frame width (0 on error)
 * @param height decoded frame height (0 on error)
 * @param faces  labelled faces, highest detector score first (empty on error)
 * @param error  why the frame could not be processed, null when it was
 */
public record FrameResult(int width, int height, List<Face> faces, String error) {
    public FrameResult {
        faces = List.copyOf(faces);
    }

    public static FrameResult failed(String error) {
        return new FrameResult(0, 0, List.of(), error);
    }

    public boolean ok() {
        return error == null;
    }
}
