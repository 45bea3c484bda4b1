package io.maskwatch.model;

/**
 * The classifier's verdict on one face crop.
 *
 * @param probabilities softmax over {@link MaskClassifier#classes()}, same order
 * @param logits        raw scores, same order
 * @param predicted     index of the most probable class
 * @param cam           class activation map of the predicted class (class-contrastive, see
 *                      {@link ClassActivationMaps#contrastive}), or null when not requested
 */
public record Classification(float[] probabilities, float[] logits, int predicted, ClassActivationMap cam) {
    public Classification {
        if (probabilities == null || logits == null || probabilities.length != logits.length) {
            throw new IllegalArgumentException("probabilities and logits must have the same length");
        }
        if (predicted < 0 || predicted >= probabilities.length) {
            throw new IllegalArgumentException("predicted index " + predicted + " out of range");
        }
    }

    public float score() {
        return probabilities[predicted];
    }
}
