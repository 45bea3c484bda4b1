package io.maskwatch.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class MainTest {
    @Test
    void unknownCommandPrintsHelpAndExitCode2() {
        PrintStream err = System.err;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setErr(new PrintStream(buf));
        try {
            assertEquals(2, Main.run(List.of("frobnicate")));
        } finally {
            System.setErr(err);
        }
        String out = buf.toString();
        assertTrue(out.contains("unknown command 'frobnicate'"), out);
        assertTrue(out.contains("demo"), out);
    }

    @Test
    void demoIsAlwaysAvailable() {
        assertNotNull(Main.load("demo"));
        assertNull(Main.load("nope"));
    }

    @Test
    void helpListsEveryCommandWithItsSummary() {
        String help = Main.help();
        for (var e : Main.COMMANDS.entrySet()) {
            var command = e.getValue().get();
            assertTrue(help.contains("  " + e.getKey() + " "), help);
            assertTrue(help.contains(command.summary()), help);
            assertTrue(!command.usage().isBlank(), e.getKey() + " has no usage text");
        }
        assertTrue(Main.COMMANDS.keySet().containsAll(List.of("demo", "ingest", "detector", "alerter", "analyze", "eval",
                "train", "bench")), Main.COMMANDS.keySet().toString());
    }

    @Test
    void commandHelpPrintsItsUsage() {
        PrintStream out = System.out;
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        System.setOut(new PrintStream(buf));
        try {
            assertEquals(0, Main.run(List.of("ingest", "--help")));
        } finally {
            System.setOut(out);
        }
        assertTrue(buf.toString().contains(Main.load("ingest").usage().strip()), buf.toString());
    }

    @Test
    void badDemoOptionIsAUsageError() {
        assertEquals(2, Main.run(List.of("demo", "--bogus")));
    }
}
