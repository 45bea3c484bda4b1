package io.maskwatch.alerter.tracking;

import io.maskwatch.common.contract.PersonStatus;

/** Where a track is counted in the compliance windows: the window of its first voted status, and that status now. */
public record Contribution(long windowStartMs, PersonStatus status) {
}
