package io.maskwatch.ingest.testing;

import io.maskwatch.ingest.IngestCommand;
import java.util.Arrays;

/** {@code ./maskwatch ingest ...} without the launcher, for tests that run the service in its own JVM. */
public final class IngestMain {
    private IngestMain() {
    }

    public static void main(String[] args) throws Exception {
        int rc = new IngestCommand().run(Arrays.asList(args));
        System.exit(rc);
    }
}
