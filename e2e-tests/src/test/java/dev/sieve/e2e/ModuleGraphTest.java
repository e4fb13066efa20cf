package dev.sieve.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The layout's one rule, read from the POMs the build uses: no module depends on a job module,
 * except {@code local/} (which runs the jobs on one machine) and {@code e2e-tests/} (which tests
 * them together). {@code docker-compose/} names the job modules only as {@code pom}-type, test
 * scope dependencies with every transitive excluded, so the reactor builds their shaded jars before
 * it lays them out for the compose file: no class of a job reaches any classpath from there.
 */
class ModuleGraphTest {

  private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();

  /** The job modules, and local/, which brings them all. */
  private static final List<String> JOBS =
      List.of(
          "sieve-ingest-job",
          "sieve-inference-job",
          "sieve-active-learning-job",
          "sieve-retrain-trigger",
          "sieve-local");

  private static final Pattern MODULE = Pattern.compile("<module>([^<]+)</module>");
  private static final Pattern DEPENDENCY =
      Pattern.compile("<dependency>(.*?)</dependency>", Pattern.DOTALL);

  @Test
  void onlyLocalAndE2eTestsDependOnJobModules() throws IOException {
    Map<String, List<String>> jobDependencies = new TreeMap<>();
    for (String module : modules()) {
      String pom = Files.readString(ROOT.resolve(module).resolve("pom.xml"));
      Matcher d = DEPENDENCY.matcher(pom);
      while (d.find()) {
        String dependency = d.group(1);
        for (String job : JOBS) {
          if (dependency.contains("<artifactId>" + job + "</artifactId>")
              && !(module.equals("docker-compose") && layoutOnly(dependency))) {
            jobDependencies.computeIfAbsent(module, m -> new ArrayList<>()).add(job);
          }
        }
      }
    }

    assertThat(modules()).contains("learning", "cli", "tools", "local", "test-kit", "e2e-tests");
    assertThat(jobDependencies.keySet()).containsExactlyInAnyOrder("local", "e2e-tests");
    assertThat(jobDependencies.get("e2e-tests")).containsExactly("sieve-local");
  }

  private static boolean layoutOnly(String dependency) {
    return dependency.contains("<type>pom</type>")
        && dependency.contains("<scope>test</scope>")
        && dependency.contains("<groupId>*</groupId>");
  }

  private static List<String> modules() throws IOException {
    List<String> out = new ArrayList<>();
    Matcher m = MODULE.matcher(Files.readString(ROOT.resolve("pom.xml")));
    while (m.find()) {
      out.add(m.group(1));
    }
    return out;
  }
}
