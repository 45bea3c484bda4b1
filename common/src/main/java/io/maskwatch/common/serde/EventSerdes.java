package io.maskwatch.common.serde;

import io.maskwatch.common.contract.Alert;
import io.maskwatch.common.contract.AlertImages;
import io.maskwatch.common.contract.ComplianceWindow;
import io.maskwatch.common.contract.DetectionEvent;
import io.maskwatch.common.contract.Notification;
import io.maskwatch.common.contract.PersonEvent;
import io.maskwatch.common.contract.PersonStatus;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.TextNode;

/**
 * One serde per event contract, declared once. Each decodes every schema version up to the current
 * one: fields added in a later version are filled in for older records (values that mean what the
 * old record meant).
 */
public final class EventSerdes {
    /** Schema 1 alerts were all about people without a mask. */
    static final JsonUpgrade ALERT_V1 = JsonUpgrade.below(2, JsonUpgrade.whenMissing("status",
            n -> TextNode.valueOf(PersonStatus.UNMASKED.wireName())));
    /** Schema 1 windows had no incorrect-mask count. */
    static final JsonUpgrade COMPLIANCE_V1 = JsonUpgrade.below(2,
            JsonUpgrade.whenMissing("incorrect", n -> LongNode.valueOf(0)));
    /** Schema 1 notifications grouped alerts of people without a mask only. */
    static final JsonUpgrade NOTIFICATION_V1 = JsonUpgrade.below(2, JsonUpgrade.whenMissing("alert_statuses", n -> {
        ArrayNode a = JsonNodeFactory.instance.arrayNode();
        JsonNode ids = n.get("alert_ids");
        for (int i = 0; ids != null && ids.isArray() && i < ids.size(); i++) {
            a.add(PersonStatus.UNMASKED.wireName());
        }
        return a;
    }));

    private EventSerdes() {
    }

    public static JsonSerde<DetectionEvent> detections() {
        return new JsonSerde<>(DetectionEvent.class);
    }

    public static JsonSerde<PersonEvent> persons() {
        return new JsonSerde<>(PersonEvent.class);
    }

    public static JsonSerde<Alert> alerts() {
        return new JsonSerde<>(Alert.class, ALERT_V1);
    }

    public static JsonSerde<AlertImages> alertImages() {
        return new JsonSerde<>(AlertImages.class);
    }

    public static JsonSerde<ComplianceWindow> compliance() {
        return new JsonSerde<>(ComplianceWindow.class, COMPLIANCE_V1);
    }

    public static JsonSerde<Notification> notifications() {
        return new JsonSerde<>(Notification.class, NOTIFICATION_V1);
    }
}
