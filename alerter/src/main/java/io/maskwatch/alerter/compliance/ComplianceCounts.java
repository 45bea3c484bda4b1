package io.maskwatch.alerter.compliance;

import com.fasterxml.jackson.databind.node.LongNode;
import io.maskwatch.common.contract.ComplianceWindow;
import io.maskwatch.common.contract.SchemaVersions;
import io.maskwatch.common.serde.JsonUpgrade;

/** Counts of one window (value of the compliance window stores). */
public record ComplianceCounts(long persons, long masked, long unmasked, long incorrect, long uncertain) {
    public static final ComplianceCounts ZERO = new ComplianceCounts(0, 0, 0, 0, 0);
    /** Window stores written before the incorrect count existed. */
    public static final JsonUpgrade UPGRADE = JsonUpgrade.whenMissing("incorrect", n -> LongNode.valueOf(0));

    public static ComplianceCounts of(ComplianceWindow w) {
        return new ComplianceCounts(w.persons(), w.masked(), w.unmasked(), w.incorrect(), w.uncertain());
    }

    public ComplianceCounts plus(ComplianceDelta d) {
        // Never below zero, whatever arrives: a window is a count of people.
        return new ComplianceCounts(Math.max(0, persons + d.persons()), Math.max(0, masked + d.masked()),
                Math.max(0, unmasked + d.unmasked()), Math.max(0, incorrect + d.incorrect()),
                Math.max(0, uncertain + d.uncertain()));
    }

    public ComplianceCounts plus(ComplianceCounts o) {
        return new ComplianceCounts(persons + o.persons, masked + o.masked, unmasked + o.unmasked,
                incorrect + o.incorrect, uncertain + o.uncertain);
    }

    /** masked / (masked + unmasked + incorrect), null when nobody was decided. */
    public Double compliance() {
        return ComplianceWindow.ratio(masked, unmasked, incorrect);
    }

    public ComplianceWindow toWindow(String key, long start, long size) {
        return new ComplianceWindow(SchemaVersions.COMPLIANCE, key, start, start + size, persons, masked, unmasked,
                incorrect, uncertain, compliance());
    }
}
