package io.maskwatch.model.training;

import ai.djl.ndarray.NDArray;
import ai.djl.training.optimizer.Optimizer;
import java.util.Set;

/**
 * Two optimizers in one: parameters of the pretrained body go to one (a lower learning rate, so
 * the ImageNet features are adjusted rather than overwritten while the new head is still random),
 * all others to the other. DJL's optimizers take one learning-rate schedule for every parameter.
 */
final class BodyHeadOptimizer extends Optimizer {
    private final Set<String> bodyIds;
    private final Optimizer body;
    private final Optimizer head;

    BodyHeadOptimizer(Set<String> bodyParameterIds, Optimizer body, Optimizer head) {
        super(new Builder());
        this.bodyIds = Set.copyOf(bodyParameterIds);
        this.body = body;
        this.head = head;
    }

    @Override
    public void update(String parameterId, NDArray weight, NDArray grad) {
        (bodyIds.contains(parameterId) ? body : head).update(parameterId, weight, grad);
    }

    private static final class Builder extends OptimizerBuilder<Builder> {
        @Override
        protected Builder self() {
            return this;
        }
    }
}
