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
    void dailyPeriodsFollowOneAnotherAcrossDaylightSavingChanges() {
        // Each due period must start where the one before ended: an overlap sends part of a day twice
        // (Berlin, digest-hour 2: a second digest at 00:03 the night the clocks go forward), a gap
        // leaves an hour out of every digest (the repeated hour the night they go back).
        for (String zone : List.of("Europe/Berlin", "America/New_York", "Australia/Sydney")) {
            for (int hour : new int[] {0, 1, 2, 3, 23}) {
                for (String around : List.of("2026-03-06T00:00:00Z", "2026-03-27T00:00:00Z", "2026-04-03T00:00:00Z",
                        "2026-10-02T00:00:00Z", "2026-10-23T00:00:00Z", "2026-10-30T00:00:00Z")) {
                    long[] prev = null;
                    for (long t = ms(around); t < ms(around) + 4 * 86_400_000L; t += 60_000) {
                        long[] p = DigestScheduler.duePeriod("daily", ZoneId.of(zone), hour, t);
                        if (prev != null && p[1] != prev[1]) {
                            assertEquals(Instant.ofEpochMilli(prev[1]), Instant.ofEpochMilli(p[0]),
                                    zone + " digest-hour " + hour + " at " + Instant.ofEpochMilli(t) + ": the period after "
                                            + Instant.ofEpochMilli(prev[0]) + ".." + Instant.ofEpochMilli(prev[1]));
                            assertTrue(p[1] > prev[1], "periods move forward");
                        }
                        assertTrue(p[1] <= t - DigestScheduler.GRACE_MS, "ended the grace ago");
                        prev = p;
                    }
                }
            }
        }
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
