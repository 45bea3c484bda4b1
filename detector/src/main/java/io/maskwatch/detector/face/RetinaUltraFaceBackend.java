package io.maskwatch.detector.face;

import io.maskwatch.detector.DetectorConfig;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * RetinaFace and UltraFace masked-face v2 fused ({@link EnsembleFaceDetector}): UltraFace was
 * trained on masked faces and finds some RetinaFace misses; the fused boxes are also better placed
 * (docs/DETECTOR.md, real scenes). Each member's box calibration applies before fusion. Twice the
 * detection cost.
 */
final class RetinaUltraFaceBackend implements FaceBackend {
    /** Members' own threshold: low, so that a face both find with middling scores can pass fused. */
    static final double MEMBER_THRESHOLD = 0.1;

    private final List<FaceBackend> members = List.of(new RetinaFaceBackend(), new UltraFaceBackend());

    @Override
    public String name() {
        return "retinaface+ultraface";
    }

    @Override
    public String description() {
        return "RetinaFace and UltraFace masked-face v2 fused (weighted box fusion), 2 passes";
    }

    /** On the fused score (mean of the members' scores); chosen on scenes-ilc train. */
    @Override
    public double defaultScoreThreshold() {
        return 0.3;
    }

    @Override
    public boolean tiledByDefault() {
        return false;
    }

    @Override
    public boolean usesInferenceEngine() {
        return true;
    }

    /** Fitted on the scenes-ilc train split after the box calibration: FaceRecallBench --fit-landmarks. */
    @Override
    public java.util.Optional<LandmarkBoxModel> landmarkBoxModel() {
        return java.util.Optional.of(LandmarkBoxModel.resource("landmark-box-retinaface-ultraface.txt"));
    }

    @Override
    public List<ModelFile> modelFiles() {
        return members.stream().flatMap(b -> b.modelFiles().stream()).toList();
    }

    @Override
    public String cacheFolder(ModelFile file) {
        return members.stream().filter(b -> b.modelFiles().contains(file)).findFirst().orElseThrow().name();
    }

    @Override
    public FaceDetector open(List<Path> files, DetectorConfig c) {
        DetectorConfig memberConfig = c.with("face-score-threshold", MEMBER_THRESHOLD);
        List<FaceDetector> opened = new ArrayList<>();
        int next = 0;
        try {
            for (FaceBackend b : members) {
                int n = b.modelFiles().size();
                opened.add(b.boxCalibration().wrap(b.open(files.subList(next, next + n), memberConfig)));
                next += n;
            }
        } catch (RuntimeException e) {
            opened.forEach(FaceDetector::close);
            throw e;
        }
        return new EnsembleFaceDetector(name(), opened, c.effectiveFaceScoreThreshold());
    }
}
