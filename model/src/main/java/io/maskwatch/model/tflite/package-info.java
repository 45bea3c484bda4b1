/**
 * A pure-Java reader of TFLite files: tensors, buffers, operators, dequantisation.
 */
package io.maskwatch.model.tflite;
