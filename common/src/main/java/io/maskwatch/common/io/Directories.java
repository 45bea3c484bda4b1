package io.maskwatch.common.io;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** File-tree helpers shared by the services, the demo and the tests. */
public final class Directories {
    private static final Logger log = LoggerFactory.getLogger(Directories.class);

    private Directories() {
    }

    /**
     * Deletes a directory tree, best effort (what cannot be deleted is logged, not thrown).
     * Symbolic links are removed themselves; their targets are never followed.
     */
    public static void deleteRecursively(Path dir) {
        if (dir == null || !Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        List<Path> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = walk.sorted(Comparator.reverseOrder()).toList();
        } catch (IOException e) {
            log.warn("could not list {} for deletion: {}", dir, e.getMessage());
            return;
        }
        for (Path p : paths) {
            try {
                Files.deleteIfExists(p);
            } catch (IOException e) {
                log.warn("could not delete {}: {}", p, e.getMessage());
            }
        }
    }
}
