package io.maskwatch.common.contract;

/** Current schema versions of the event contracts; bump on incompatible change (see docs/ARCHITECTURE.md). */
public final class SchemaVersions {
    public static final int FRAME = 1;
    public static final int DETECTION = 1;
    public static final int PERSON = 1;
    public static final int ALERT = 1;
    public static final int COMPLIANCE = 1;
    public static final int NOTIFICATION = 1;

    private SchemaVersions() {
    }
}
