package io.maskwatch.app.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.app.bench.process.ServiceJvm;
import io.maskwatch.app.docs.DocFiles;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The launcher starts each service with the JVM options `bench --separate-processes` measured. */
class LauncherSizingTest {
    @Test
    void launcherAndServiceJvmAgree() throws Exception {
        String script = Files.readString(DocFiles.repoRoot().resolve("maskwatch"));
        Matcher opts = Pattern.compile("(?m)^service_opts=\"([^\"]*)\"").matcher(script);
        assertTrue(opts.find(), "service_opts=\"...\" in the launcher");
        for (String service : ServiceJvm.SERVICES) {
            Matcher m = Pattern.compile("(?m)^\\s*" + service + "\\)\\s+default_opts=\"-Xmx(\\S+) \\$service_opts\"")
                    .matcher(script);
            assertTrue(m.find(), "a '" + service + ") default_opts=\"-Xmx... $service_opts\"' line in the launcher");
            List<String> launcher = new ArrayList<>(List.of("-Xmx" + m.group(1)));
            launcher.addAll(List.of(opts.group(1).split(" ")));
            assertEquals(ServiceJvm.jvmOptions(service), launcher, service);
        }
        assertTrue(script.contains("GLIBC_TUNABLES:-" + ServiceJvm.SERVICE_GLIBC_TUNABLES + "}"),
                "the services' GLIBC_TUNABLES in the launcher: " + ServiceJvm.SERVICE_GLIBC_TUNABLES);
        String ingestExtra = ServiceJvm.INGEST_GLIBC_TUNABLES.substring(ServiceJvm.SERVICE_GLIBC_TUNABLES.length());
        assertTrue(script.contains("GLIBC_TUNABLES+=\"" + ingestExtra + "\""), "ingest's extra malloc setting in the launcher: "
                + ingestExtra);
    }
}
