package io.maskwatch.model.training;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.cli.Args;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --init imagenet} argument errors are caught before any data is read. */
class TrainCommandInitTest {
    @TempDir
    Path tmp;

    private Args.UsageException fails(String... argv) throws Exception {
        Files.createDirectories(tmp.resolve("data/train/mask"));
        Files.createDirectories(tmp.resolve("data/train/no_mask"));
        return assertThrows(Args.UsageException.class, () -> new TrainCommand().run(List.of(argv)));
    }

    @Test
    void initNeedsWidthOne() throws Exception {
        Path tflite = Files.write(tmp.resolve("m.tflite"), new byte[16]);
        Args.UsageException e = fails("--data", tmp.resolve("data").toString(), "--out", tmp.toString(),
                "--init", "imagenet=" + tflite);
        assertTrue(e.getMessage().contains("--width 1.0"), e.getMessage());
    }

    @Test
    void missingInitFileAndBadValueAreNamed() throws Exception {
        Args.UsageException e = fails("--data", tmp.resolve("data").toString(), "--width", "1.0",
                "--init", "imagenet=" + tmp.resolve("nope.tflite"));
        assertTrue(e.getMessage().contains("nope.tflite") && e.getMessage().contains("does not exist"), e.getMessage());
        Args.UsageException v = fails("--data", tmp.resolve("data").toString(), "--width", "1.0", "--init", "resnet");
        assertTrue(v.getMessage().contains("'imagenet'"), v.getMessage());
        Args.UsageException s = fails("--data", tmp.resolve("data").toString(), "--output-stride", "16");
        assertTrue(s.getMessage().contains("only with --init"), s.getMessage());
    }
}
