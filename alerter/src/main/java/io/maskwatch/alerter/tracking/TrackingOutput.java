package io.maskwatch.alerter.tracking;

import io.maskwatch.alerter.compliance.ComplianceDelta;
import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.PersonEvent;

/** What the tracker emits for a detection: person events, alerts and compliance count changes. */
public sealed interface TrackingOutput {
    long timestampMs();

    record Person(PersonEvent event) implements TrackingOutput {
        @Override
        public long timestampMs() {
            return event.eventTimestampMs();
        }
    }

    record AlertRaised(Alert alert) implements TrackingOutput {
        @Override
        public long timestampMs() {
            return alert.timestampMs();
        }
    }

    record Counts(ComplianceDelta delta) implements TrackingOutput {
        @Override
        public long timestampMs() {
            return delta.eventTimestampMs();
        }
    }
}
