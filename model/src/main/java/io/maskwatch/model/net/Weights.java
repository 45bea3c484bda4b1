package io.maskwatch.model.net;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Parameter;

/** Writes values into initialised DJL parameters in place (keeps the arrays the trainer already tracks). */
final class Weights {
    private Weights() {
    }

    static void assign(Parameter p, float[] values) {
        NDArray a = p.getArray();
        if (a.getShape().size() != values.length) {
            throw new IllegalArgumentException("parameter " + p.getName() + " has shape " + a.getShape() + " ("
                    + a.getShape().size() + " values), got " + values.length + " values");
        }
        boolean grad = a.hasGradient();
        if (grad) {
            // PyTorch refuses in-place writes into leaf tensors that require gradients.
            a.setRequiresGradient(false);
        }
        a.set(values);
        if (grad) {
            a.setRequiresGradient(true);
        }
    }
}
