package io.maskwatch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.common.cli.Args;
import java.util.List;
import org.junit.jupiter.api.Test;

class BenchCommandTest {
    @Test
    void cameraCountsGoUpTo32Ascending() {
        assertEquals(List.of(1, 8, 16, 32), BenchCommand.cameraCounts("1, 8,16,32"));
        assertTrue(assertThrows(Args.UsageException.class, () -> BenchCommand.cameraCounts("8,33"))
                .getMessage().contains("1..32, got 33"));
        assertTrue(assertThrows(Args.UsageException.class, () -> BenchCommand.cameraCounts("4,2"))
                .getMessage().contains("ascending"));
        assertTrue(assertThrows(Args.UsageException.class, () -> BenchCommand.cameraCounts("4,x"))
                .getMessage().contains("'x' is not one"));
    }

    @Test
    void jsonIsAcceptedWithoutThePipelineAndNamesAreCheckedBeforeAnyRun() {
        // Before, --json without pipeline was refused; now the only complaint is the unknown name, before any bench runs.
        Args.UsageException e = assertThrows(Args.UsageException.class,
                () -> new BenchCommand().run(List.of("--what", "alerter,nonsense", "--json", "/tmp/never-written.json")));
        assertTrue(e.getMessage().contains("unknown benchmark 'nonsense'"), e.getMessage());
        assertTrue(e.getMessage().contains("detector,pipeline,ingest,alerter,live"), e.getMessage());
        BenchCommand.targets(List.of("detector", " ingest", "alerter", "live"));
        assertTrue(assertThrows(Args.UsageException.class, () -> BenchCommand.targets(List.of("live", "live")))
                .getMessage().contains("twice"));
    }
}
