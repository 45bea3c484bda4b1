package io.maskwatch.app.deploy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The image's entry point starts the real distribution: the packaged jar and app/target/lib laid
 * out as in the image (/opt/maskwatch/{bin,lib}), run with a real JVM.
 */
class EntrypointIT {
    @Test
    void entrypointRunsTheLauncherWithTheImageLayout() throws IOException, InterruptedException {
        Assumptions.assumeTrue(DeployFiles.bashAvailable());
        Path home = Files.createTempDirectory("maskwatch-image-");
        try {
            runHelp(home);
        } finally {
            // the lib/ entries are links into app/target: delete the links, never their targets
            io.maskwatch.common.io.Directories.deleteRecursively(home);
        }
    }

    private static void runHelp(Path home) throws IOException, InterruptedException {
        Path root = DeployFiles.repoRoot();
        Path target = root.resolve("app/target");
        Path lib = home.resolve("lib");
        Files.createDirectories(lib);
        Files.createDirectories(home.resolve("bin"));
        try (Stream<Path> jars = Stream.concat(Files.list(target.resolve("lib")),
                Files.list(target).filter(p -> p.getFileName().toString().matches("maskwatch-app-.*\\.jar")
                        && !p.getFileName().toString().contains("tests")))) {
            for (Path jar : jars.toList()) {
                Files.createSymbolicLink(lib.resolve(jar.getFileName()), jar);
            }
        }
        Path entrypoint = home.resolve("bin/maskwatch-entrypoint");
        Files.copy(root.resolve("deploy/docker/entrypoint.sh"), entrypoint);
        assertTrue(entrypoint.toFile().setExecutable(true));

        ProcessBuilder pb = new ProcessBuilder(List.of(entrypoint.toString(), "--help")).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("MASKWATCH_"));
        pb.environment().put("MASKWATCH_JAVA_OPTS", "-Xmx128m -XshowSettings:properties");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("usage: ./maskwatch <command>"), out);
        assertTrue(out.contains("maskwatch.home = " + home.toRealPath()) || out.contains("maskwatch.home = " + home), out);
        assertTrue(out.contains("ai.djl.offline = true"), out);
        assertTrue(out.contains("org.bytedeco.javacpp.cachedir = "), out);
    }
}
