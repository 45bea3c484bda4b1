/**
 * Training and evaluating the classifier: data sets (several roots, three classes), augmentation,
 * the trainer, the {@code train} command.
 */
package io.maskwatch.model.training;
