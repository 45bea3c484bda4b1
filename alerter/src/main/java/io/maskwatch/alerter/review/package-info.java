/**
 * The custodian's actions on alerts and their trail: acknowledge, mark a false alarm (compacted topic
 * {@code maskwatch.alert-reviews}), erase an alert's face and heat map (erasure markers in
 * {@code maskwatch.alert-erasures}, tombstones on the reviews) and the audit topic
 * {@code maskwatch.audit}; {@link io.maskwatch.alerter.review.ReviewApi} serves them on the alerter API,
 * {@link io.maskwatch.alerter.review.FeedbackExport} turns false alarms into training crops.
 */
package io.maskwatch.alerter.review;
