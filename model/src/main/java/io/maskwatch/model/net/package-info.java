/**
 * TF's MobileNetV2 layer for layer and the loading of its ImageNet weights (batch norm restored as
 * identity carrying the folded bias).
 */
package io.maskwatch.model.net;
