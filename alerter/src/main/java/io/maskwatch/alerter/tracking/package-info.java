/**
 * Following people across frames: associating faces with tracks per camera, and the evidence each
 * face adds.
 */
package io.maskwatch.alerter.tracking;
