package io.maskwatch.alerter.compliance;

import io.maskwatch.common.contract.ComplianceWindow;
import io.maskwatch.common.contract.SchemaVersions;

/** Counts of one window (value of the compliance window stores). */
public record ComplianceCounts(long persons, long masked, long unmasked, long uncertain) {
    public static final ComplianceCounts ZERO = new ComplianceCounts(0, 0, 0, 0);

    public ComplianceCounts plus(ComplianceDelta d) {
        // Never below zero, whatever arrives: a window is a count of people.
        return new ComplianceCounts(Math.max(0, persons + d.persons()), Math.max(0, masked + d.masked()),
                Math.max(0, unmasked + d.unmasked()), Math.max(0, uncertain + d.uncertain()));
    }

    public ComplianceCounts plus(ComplianceCounts o) {
        return new ComplianceCounts(persons + o.persons, masked + o.masked, unmasked + o.unmasked, uncertain + o.uncertain);
    }

    public ComplianceWindow toWindow(String key, long start, long size) {
        return new ComplianceWindow(SchemaVersions.COMPLIANCE, key, start, start + size, persons, masked, unmasked,
                uncertain, ComplianceWindow.ratio(masked, unmasked));
    }
}
