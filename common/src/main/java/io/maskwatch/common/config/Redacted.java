package io.maskwatch.common.config;

import java.lang.reflect.RecordComponent;
import java.util.Set;
import java.util.StringJoiner;

/** A record's {@code toString} with secret components shown as {@code ***} (set) or {@code null}. */
public final class Redacted {
    private Redacted() {
    }

    public static String toString(Record r, String... secrets) {
        Set<String> hidden = Set.of(secrets);
        StringJoiner out = new StringJoiner(", ", r.getClass().getSimpleName() + "[", "]");
        for (RecordComponent c : r.getClass().getRecordComponents()) {
            Object v;
            try {
                v = c.getAccessor().invoke(r);
            } catch (ReflectiveOperationException e) {
                v = "?";
            }
            out.add(c.getName() + "=" + (hidden.contains(c.getName()) && v != null ? "***" : v));
        }
        return out.toString();
    }
}
