package io.maskwatch.model;

/**
 * Where in the face the network saw evidence for the predicted class: one value per cell of the
 * last feature map, row-major, normalised to [0, 1]. Consumers upsample it to the crop size.
 */
public record ClassActivationMap(int width, int height, float[] values) {
    public ClassActivationMap {
        if (width <= 0 || height <= 0 || values == null || values.length != width * height) {
            throw new IllegalArgumentException("CAM needs width*height values, got " + width + "x" + height
                    + " and " + (values == null ? "null" : values.length));
        }
    }

    public float get(int x, int y) {
        return values[y * width + x];
    }
}
