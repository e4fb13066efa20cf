package dev.sieve.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApicurioRegistryTest {

  @AfterEach
  void clearOverride() {
    System.clearProperty(ApicurioRegistry.HOME_PROPERTY);
  }

  @Test
  void findsTheDistributionTheBuildUnpacked() {
    Path jar = ApicurioRegistry.findRunnerJar();

    assertThat(jar).isRegularFile();
    assertThat(jar.getFileName().toString()).isEqualTo("apicurio-registry-app-3.0.9-runner.jar");
  }

  @Test
  void missingDistributionTellsTheUserToRunTheBuild(@TempDir Path empty) {
    System.setProperty(ApicurioRegistry.HOME_PROPERTY, empty.toString());

    assertThatThrownBy(ApicurioRegistry::start)
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(empty.toString())
        .hasMessageContaining("./mvnw -pl embedded install");
  }

  @Test
  void homeCanBeOverriddenBySystemProperty(@TempDir Path home) throws Exception {
    Path jar = Files.createFile(home.resolve("apicurio-registry-app-3.0.9-runner.jar"));
    System.setProperty(ApicurioRegistry.HOME_PROPERTY, home.toString());

    assertThat(ApicurioRegistry.findRunnerJar()).isEqualTo(jar);
  }
}
