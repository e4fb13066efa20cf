package dev.sieve.tools.calibrate;

/** The window detectors of the active-learning job, by the name their alerts carry. */
enum Detector {
  CONFIDENCE_PSI("confidence-psi"),
  CLASS_MIX_PSI("class-mix-psi"),
  CENTROID_COSINE("centroid-cosine");

  private final String id;

  Detector(String id) {
    this.id = id;
  }

  String id() {
    return id;
  }
}
