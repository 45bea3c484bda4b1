/**
 * The pinned face-detector model catalogue and its installer: {@code models
 * list|fetch|import|verify}, SHA-256 checked, into the model cache.
 */
package io.maskwatch.detector.catalogue;
