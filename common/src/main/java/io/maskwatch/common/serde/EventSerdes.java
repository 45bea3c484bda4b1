package io.maskwatch.common.serde;

import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.ComplianceWindow;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.Notification;
import io.maskwatch.common.contract.PersonEvent;

/** One serde per event contract, declared once. */
public final class EventSerdes {
    private EventSerdes() {
    }

    public static JsonSerde<DetectionEvent> detections() {
        return new JsonSerde<>(DetectionEvent.class);
    }

    public static JsonSerde<PersonEvent> persons() {
        return new JsonSerde<>(PersonEvent.class);
    }

    public static JsonSerde<Alert> alerts() {
        return new JsonSerde<>(Alert.class);
    }

    public static JsonSerde<ComplianceWindow> compliance() {
        return new JsonSerde<>(ComplianceWindow.class);
    }

    public static JsonSerde<Notification> notifications() {
        return new JsonSerde<>(Notification.class);
    }
}
