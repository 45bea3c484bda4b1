/**
 * Measuring quality: PASCAL VOC sets, AP per class and mAP (2- and 3-class views), face recall by
 * class and size, classifier-only evaluation on crop folders, and cutting training crops the way
 * faces are served.
 */
package io.maskwatch.detector.eval;
