package io.maskwatch.app.bench.faults;

import io.maskwatch.alerter.alert.AlertConfig;
import io.maskwatch.alerter.alert.AlertPolicy;
import io.maskwatch.alerter.tracking.CameraState;
import io.maskwatch.alerter.tracking.Persons;
import io.maskwatch.alerter.tracking.TrackImages;
import io.maskwatch.alerter.tracking.Tracker;
import io.maskwatch.alerter.tracking.TrackingConfig;
import io.maskwatch.alerter.tracking.TrackingOutput;
import io.maskwatch.common.contract.DetectionEvent;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * The alerts a fault-free run makes of the frames that were detected: the alerter's own tracking and
 * alert rules (default settings, as the bench's alerter runs) over each frame's detection once, in
 * topic order, with no crash, replay or restart in between.
 */
final class ExpectedAlerts {
    private ExpectedAlerts() {
    }

    static TreeSet<String> of(List<DetectionEvent> detections) {
        TrackingConfig tc = TrackingConfig.defaults();
        Persons persons = new Persons(new Tracker(tc), AlertPolicy.of(tc, AlertConfig.defaults()), 60_000);
        TrackImages images = TrackImages.inMemory();
        Map<String, CameraState> states = new HashMap<>();
        TreeSet<String> ids = new TreeSet<>();
        for (DetectionEvent e : detections) {
            Persons.Step s = persons.onDetection(states.get(e.cameraId()), e, e.captureTimestampMs(), images);
            states.put(e.cameraId(), s.state());
            for (TrackingOutput o : s.outputs()) {
                if (o instanceof TrackingOutput.AlertRaised a) {
                    ids.add(a.alert().alertId());
                }
            }
        }
        return ids;
    }
}
