package dev.sieve.e2e;

import java.util.ArrayList;
import java.util.List;
import org.apache.flink.api.common.JobID;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.runtime.testutils.InMemoryReporter;

/** Reads a running job's gauges from the MiniCluster's in-memory metric reporter. */
final class JobGauges {

  private JobGauges() {}

  /** The values of {@code jobId}'s gauges whose identifier ends with {@code suffix}. */
  static List<Object> values(InMemoryReporter metrics, JobID jobId, String suffix) {
    List<Object> out = new ArrayList<>();
    metrics
        .getMetricsByGroup()
        .forEach(
            (group, byName) -> {
              if (jobId.toString().equals(group.getAllVariables().get("<job_id>"))) {
                byName.forEach(
                    (name, metric) -> {
                      if (metric instanceof Gauge<?> g
                          && group.getMetricIdentifier(name).endsWith(suffix)) {
                        out.add(g.getValue());
                      }
                    });
              }
            });
    return out;
  }
}
