package io.maskwatch.app.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one object {@code bench --json FILE} writes: the pipeline's schema at the top level
 * ({@code results}, ... — unchanged, scripts read it), one key per other target that ran
 * ({@code detector}, {@code ingest}, {@code alerter}, {@code live}) and {@code machine}.
 */
public final class BenchJson {
    private final Map<String, Object> pipeline = new LinkedHashMap<>();
    private final Map<String, Object> targets = new LinkedHashMap<>();

    /** The pipeline benchmark's {@code Result.json()}: its fields stay at the top level. */
    public BenchJson pipeline(Map<String, Object> json) {
        pipeline.clear();
        pipeline.putAll(json);
        return this;
    }

    /** Another target's object, under its name. */
    public BenchJson target(String name, Map<String, Object> json) {
        if (name.equals("pipeline") || name.equals("machine") || pipeline.containsKey(name)) {
            throw new IllegalArgumentException("'" + name + "' is a top-level key of the pipeline's JSON already");
        }
        targets.put(name, json);
        return this;
    }

    public Map<String, Object> toMap() {
        Map<String, Object> out = new LinkedHashMap<>(pipeline);
        out.putAll(targets);
        Map<String, Object> machine = new LinkedHashMap<>();
        machine.put("cpus", Runtime.getRuntime().availableProcessors());
        machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        out.put("machine", machine);
        return out;
    }

    /** Writes the whole object (again): after each target, so a later failure keeps the earlier numbers. */
    public void write(Path file) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(tmp.toFile(), toMap());
        Files.move(tmp, file, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }
}
