package io.maskwatch.alerter.notify;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DigestSchedulerTest {
    private static long ms(String iso) {
        return Instant.parse(iso).toEpochMilli();
    }

    @Test
    void hourlyIsTheLastFullHourOnceTheGraceHasPassed() {
        ZoneId utc = ZoneId.of("UTC");
        assertArrayEquals(new long[] {ms("2026-03-02T10:00:00Z"), ms("2026-03-02T11:00:00Z")},
                DigestScheduler.duePeriod("hourly", utc, 0, ms("2026-03-02T11:05:00Z")));
        assertArrayEquals(new long[] {ms("2026-03-02T09:00:00Z"), ms("2026-03-02T10:00:00Z")},
                DigestScheduler.duePeriod("hourly", utc, 0, ms("2026-03-02T11:01:00Z")), "within the grace: the hour before");
    }

    @Test
    void dailyStartsAtTheConfiguredHourInItsZone() {
        ZoneId berlin = ZoneId.of("Europe/Berlin"); // UTC+1 in March before the switch
        assertArrayEquals(new long[] {ms("2026-03-01T06:00:00Z"), ms("2026-03-02T06:00:00Z")},
                DigestScheduler.duePeriod("daily", berlin, 7, ms("2026-03-02T06:10:00Z")));
        assertArrayEquals(new long[] {ms("2026-02-28T06:00:00Z"), ms("2026-03-01T06:00:00Z")},
                DigestScheduler.duePeriod("daily", berlin, 7, ms("2026-03-02T05:59:00Z")), "before 07:00: yesterday's");
    }

    @Test
    void sentPeriodsRoundTripThroughTheOffsetMetadata() {
        Map<String, Long> done = new java.util.LinkedHashMap<>(Map.of("custodian", 5L));
        done.put("facility", 7L);
        assertEquals(done, DigestScheduler.parse(DigestScheduler.format(done)));
        assertEquals(Map.of(), DigestScheduler.parse(""));
    }

    @Test
    void badDigestSettingsSayWhatIsWrong() {
        EmailConfig ok = EmailSinkTest.smtp(25, "none", null);
        List<String> p = ok.withDigest("weekly", "Mars/Olympus", 24).problems();
        assertTrue(p.contains("digest must be one of [hourly, daily] (or none), got 'weekly'"), p::toString);
        assertTrue(p.stream().anyMatch(s -> s.startsWith("digest-zone must be a time zone id")), p::toString);
        assertTrue(p.stream().anyMatch(s -> s.startsWith("digest-hour must be 0..23")), p::toString);
        assertEquals(List.of(), ok.withDigest("daily", "Europe/Berlin", 7).problems());
        assertEquals(null, ok.withDigest("none", null, null).digest());
    }
}
