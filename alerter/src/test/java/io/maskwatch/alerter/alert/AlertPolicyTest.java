package io.maskwatch.alerter.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.maskwatch.alerter.tracking.FaceEvidence;
import io.maskwatch.alerter.tracking.TrackingConfig;
import io.maskwatch.common.contract.PersonStatus;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The alert decision on its own: vote, thresholds (K=8, N=4, 0.7 by default), incorrect policy, cooldown. */
class AlertPolicyTest {
    private final AlertPolicy policy = AlertPolicy.of(TrackingConfig.defaults(), AlertConfig.defaults());

    /** A clearly detected face: P(face) 0.95, the rest split between the labels. */
    private static FaceEvidence clear(double pNoMask, double pIncorrect) {
        return new FaceEvidence(0.95, 0.95 * pNoMask, 0.95 * pIncorrect);
    }

    private static List<FaceEvidence> times(int n, FaceEvidence e) {
        return Collections.nCopies(n, e);
    }

    @Test
    void noStatusBeforeNFacesThenThresholdsWithHysteresis() {
        assertEquals(PersonStatus.UNCERTAIN, policy.vote(times(3, clear(0.95, 0)), 3, PersonStatus.UNCERTAIN).status());
        AlertPolicy.Verdict v = policy.vote(times(4, clear(0.95, 0)), 4, PersonStatus.UNCERTAIN);
        assertEquals(PersonStatus.UNMASKED, v.status());
        assertEquals(0.95, v.confidence(), 1e-9);
        assertEquals(PersonStatus.MASKED, policy.vote(times(4, clear(0.1, 0)), 4, PersonStatus.UNCERTAIN).status());
        // Between the thresholds the status stays what it was.
        assertEquals(PersonStatus.MASKED, policy.vote(times(8, clear(0.5, 0)), 12, PersonStatus.MASKED).status());
        assertEquals(PersonStatus.UNCERTAIN, policy.vote(times(8, clear(0.5, 0)), 12, PersonStatus.UNCERTAIN).status());
    }

    @Test
    void jointScoresWeighTheVoteInsteadOfLoweringIt() {
        // Vague faces (P(face) 0.3) unmasked: the vote is a share, so joint scores of 0.29 still decide.
        List<FaceEvidence> vague = times(4, new FaceEvidence(0.3, 0.3 * 0.95, 0));
        assertEquals(PersonStatus.UNMASKED, policy.vote(vague, 4, PersonStatus.UNCERTAIN).status());
        // Clear masked faces outweigh vague unmasked ones: 4 x 0.95 masked vs 4 x 0.2 unmasked.
        List<FaceEvidence> mixed = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            mixed.add(clear(0.05, 0));
            mixed.add(new FaceEvidence(0.2, 0.2 * 0.95, 0));
        }
        assertEquals(PersonStatus.MASKED, policy.vote(mixed, 8, PersonStatus.UNCERTAIN).status(),
                "an unweighted mean (0.5) would never decide");
    }

    @Test
    void noMaskPlusIncorrectDecidesNonCompliantAndTheMajorityNamesIt() {
        // 40% no mask + 50% below the nose per face: neither alone reaches 0.7, together they do.
        AlertPolicy.Verdict v = policy.vote(times(4, clear(0.4, 0.5)), 4, PersonStatus.UNCERTAIN);
        assertEquals(PersonStatus.INCORRECT, v.status());
        assertEquals(0.9, v.confidence(), 1e-9);
        assertEquals(PersonStatus.UNMASKED, policy.vote(times(4, clear(0.5, 0.4)), 4, PersonStatus.UNCERTAIN).status());
        assertEquals(PersonStatus.UNMASKED, policy.vote(times(4, clear(0.45, 0.45)), 4, PersonStatus.UNCERTAIN).status(),
                "a tie is reported as no mask");
    }

    @Test
    void incorrectCountedAsMask() {
        AlertPolicy lenient = AlertPolicy.of(TrackingConfig.defaults(), AlertConfig.defaults().withIncorrectCountsAs("mask"));
        assertEquals(PersonStatus.MASKED, lenient.vote(times(4, clear(0.05, 0.9)), 4, PersonStatus.UNCERTAIN).status());
        assertFalse(lenient.nonCompliantNow(clear(0.05, 0.9)));
        assertEquals(PersonStatus.UNMASKED, lenient.vote(times(4, clear(0.9, 0.05)), 4, PersonStatus.UNCERTAIN).status());
    }

    @Test
    void alertNeedsAClearNonCompliantFaceAndRespectsTheCooldown() {
        AlertPolicy.Verdict v = policy.vote(times(4, clear(0.9, 0)), 4, PersonStatus.UNCERTAIN);
        assertTrue(policy.due(v, clear(0.9, 0), 0, -1, 1_000));
        assertFalse(policy.due(v, clear(0.1, 0), 0, -1, 1_000), "this face is masked: someone putting a mask on");
        // Joint P(face and unmasked) = 0.3 x 0.95 = 0.285 < min-alert-score 0.4: too vague to alert on.
        assertFalse(policy.due(v, new FaceEvidence(0.3, 0.285, 0), 0, -1, 1_000));
        assertTrue(policy.due(v, new FaceEvidence(0.5, 0.45, 0), 0, -1, 1_000), "joint 0.45 is enough");
        assertFalse(policy.due(v, clear(0.9, 0), 1, 1_000, 1_000 + 299_999), "within the 5 min cooldown");
        assertTrue(policy.due(v, clear(0.9, 0), 1, 1_000, 1_000 + 300_000));
        AlertPolicy.Verdict masked = policy.vote(times(4, clear(0.1, 0)), 4, PersonStatus.UNCERTAIN);
        assertFalse(policy.due(masked, clear(0.9, 0), 0, -1, 1_000));
        // Unmasked by hysteresis only (vote fell to 0.5): no new alert.
        AlertPolicy.Verdict fading = policy.vote(times(8, clear(0.5, 0)), 12, PersonStatus.UNMASKED);
        assertEquals(PersonStatus.UNMASKED, fading.status());
        assertFalse(policy.due(fading, clear(0.9, 0), 1, 0, 10_000_000));
    }

    @Test
    void badPolicyConfigurationIsNamed() {
        AlertConfig bad = new AlertConfig(300_000, 2_000, 0, "chin", 1.5);
        List<String> p = bad.problems();
        assertTrue(p.stream().anyMatch(s -> s.startsWith("incorrect-counts-as must be no_mask") && s.endsWith("got 'chin'")), p::toString);
        assertTrue(p.stream().anyMatch(s -> s.startsWith("min-alert-score must be in [0, 1)")), p::toString);
    }
}
