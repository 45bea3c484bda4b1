package io.maskwatch.alerter;

import io.maskwatch.common.config.CameraConfig;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Display names of cameras: the {@code cameras} list first, then {@code alerter.camera-names}, else the id. */
public final class CameraNames {
    private final Map<String, String> names;

    public CameraNames(List<CameraConfig> cameras, Map<String, String> extra) {
        Map<String, String> m = new HashMap<>(extra);
        for (CameraConfig c : cameras) {
            if (c.id() != null) {
                m.put(c.id(), c.displayName());
            }
        }
        this.names = Map.copyOf(m);
    }

    public static CameraNames of(Map<String, String> names) {
        return new CameraNames(List.of(), names);
    }

    public String name(String cameraId) {
        return names.getOrDefault(cameraId, cameraId);
    }
}
