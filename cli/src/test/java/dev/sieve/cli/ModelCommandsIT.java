package dev.sieve.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sieve.model.KeyPairFiles;
import dev.sieve.model.ModelSigning;
import dev.sieve.model.ModelVersions;
import dev.sieve.model.VersionReason;
import dev.sieve.schemas.ModelVersion;
import dev.sieve.schemas.RetrainRequest;
import dev.sieve.schemas.Topics;
import dev.sieve.testkit.ItStack;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The model-registry commands end to end through picocli, against the embedded Kafka broker and
 * registry: create, list, show, a re-declaration, a rollback and a retrain request.
 */
class ModelCommandsIT {

  private static final KeyPairFiles.Written KEYS = KeyPairFiles.throwaway();
  private static final String KEY = KEYS.privateKey().toString();
  private static final ItStack IT = new ItStack("it-models", null);
  private static final String prefix = IT.prefix();

  /** A drift retrain request's detail, as the active-learning job writes it. */
  private static final String DRIFT_DETAIL =
      "confidence-psi 0.9100 > 0.1500 after 1000 events of version 0 (reference 500, window 500)";

  @BeforeAll
  static void topics() {
    IT.createTopics(TopicsCommand.newTopics(prefix, 1, (short) 1));
  }

  private static CommandValidationTest.Run sieve(String... args) {
    CommandValidationTest.Run run = CommandValidationTest.run(IT.cliArgs(args));
    // the transcript doubles as the sample output in cli/README.md
    System.out.println("$ sieve " + String.join(" ", args).replace(KEY, "***"));
    System.out.print(run.out());
    System.out.print(run.err());
    return run;
  }

  private static String[] signed(String... args) {
    return Stream.concat(Stream.of(args), Stream.of("--signing-key-file", KEY))
        .toArray(String[]::new);
  }

  private static ModelCatalog catalog() {
    try (SieveClients clients = new SieveClients(IT.clientProperties(), prefix)) {
      return clients.readModels(new PrintWriter(new StringWriter()));
    }
  }

  @Test
  void createListShowRollbackRetrain() throws Exception {
    // an empty topic lists nothing
    CommandValidationTest.Run empty = sieve("models");
    assertThat(empty.exit()).as(empty.err()).isZero();
    assertThat(empty.out()).contains("no model versions on " + prefix + "models");

    CommandValidationTest.Run created =
        sieve(
            signed(
                "classifier",
                "create",
                "spam",
                "--labels",
                "spam,ham",
                "--descriptions",
                "Unsolicited advertising or a scam.|An ordinary personal message."));
    assertThat(created.exit()).as(created.err()).isZero();
    assertThat(created.out())
        .contains("classifier 'spam' created: version 0 (zero-shot), labels spam, ham")
        .contains("published to " + prefix + "models")
        .doesNotContain(KEY);

    CommandValidationTest.Run again =
        sieve(signed("classifier", "create", "spam", "--labels", "spam,ham"));
    assertThat(again.exit()).isEqualTo(1);
    assertThat(again.err().strip())
        .isEqualTo(
            "sieve classifier create: classifier 'spam' already exists (latest version 0, reason"
                + " zero-shot); use --force to publish a new zero-shot version");

    CommandValidationTest.Run listed = sieve("models");
    assertThat(listed.exit()).as(listed.err()).isZero();
    assertThat(listed.out()).contains("classifier 'spam': 1 version on " + prefix + "models");
    assertThat(listed.out().lines()).anyMatch(l -> l.matches("  \\*  +0  +-  zero-shot .*"));

    // a trained version with metrics, as retrain-trigger would publish it
    ModelVersion v0 = catalog().find("spam", 0).orElseThrow();
    ModelVersion v2 =
        ModelVersions.signed(
            ModelVersion.newBuilder(v0)
                .setVersion(2)
                .setParentVersion(0)
                .setReason(
                    VersionReason.trained(
                        VersionReason.trigger("drift", DRIFT_DETAIL),
                        "better: challenger macro-F1 0.8125 vs champion 0.7800 on the same folds"
                            + " (+0.0325, margin 0.0100)",
                        "epochs=10 lr=0.1 weighted=true seed=42"))
                .setMetrics(ModelFixtures.metrics(0.9, 0.8125, 200)),
            KEYS.signingKey());
    try (SieveClients clients = new SieveClients(IT.clientProperties(), prefix)) {
      clients.publish(v2);
    }

    CommandValidationTest.Run forced =
        sieve(signed("classifier", "create", "spam", "--labels", "spam,ham", "--force"));
    assertThat(forced.exit()).as(forced.err()).isZero();
    assertThat(forced.out())
        .contains("classifier 'spam' re-declared: version 3 (zero-shot, replaces version 2)");

    CommandValidationTest.Run shown =
        sieve("models", "show", "spam", "2", "--trusted-keys", KEYS.publicKey().toString());
    assertThat(shown.exit()).as(shown.err()).isZero();
    assertThat(shown.out())
        .contains("classifier 'spam' version 2\n")
        .containsPattern(row("reason", "drift: conf psi 0.91 > 0.15 -> published (+0.03 F1)"))
        .containsPattern(row("trigger", "drift: " + DRIFT_DETAIL))
        .containsPattern(
            row(
                "decision",
                "better: challenger macro-F1 0.8125 vs champion 0.7800 on the same folds"
                    + " (+0.0325, margin 0.0100)"))
        .containsPattern(row("settings", "epochs=10 lr=0.1 weighted=true seed=42"))
        .contains("present, valid: key " + KEYS.keyId() + " signed this whole version")
        .contains("true \\ predicted  spam  ham");

    CommandValidationTest.Run rolled = sieve(signed("rollback", "spam", "2"));
    assertThat(rolled.exit()).as(rolled.err()).isZero();
    assertThat(rolled.out())
        .contains("rolled back 'spam': version 3 (zero-shot) -> version 4 (rollback to version 2");

    ModelCatalog after = catalog();
    ModelVersion v4 = after.latest("spam").orElseThrow();
    assertThat(v4.getVersion()).isEqualTo(4);
    assertThat(v4.getParentVersion()).isEqualTo(2);
    assertThat(v4.getReason()).isEqualTo("rollback");
    assertThat(ModelVersions.headBytes(v4)).isEqualTo(ModelVersions.headBytes(v2));
    assertThat(v4.getLabels()).isEqualTo(v2.getLabels());
    assertThat(ModelSigning.verify(v4, KEYS.signingKey().publicKey())).isTrue();
    assertThat(v4.getKeyId()).isEqualTo(KEYS.keyId());

    CommandValidationTest.Run table = sieve("models", "spam");
    assertThat(table.exit()).as(table.err()).isZero();
    assertThat(table.out()).contains("4 versions");
    assertThat(table.out().lines())
        .anyMatch(
            l ->
                l.matches("  \\*  +4  +2  rollback to v2  .* 200  +0\\.900  +0\\.813  +\\+0\\.000"))
        .anyMatch(
            l ->
                l.matches(
                    " {3} +2  +0  drift: conf psi 0\\.91 > 0\\.15 -> published \\(\\+0\\.03 F1\\)"
                        + "  .* 200  +0\\.900  +0\\.813  +-"))
        .anyMatch(l -> l.matches(" {3} +3  +2  zero-shot  .*"))
        .contains(
            "  rejected challengers are on no topic: retrain-trigger logs each and counts it (notPublished)");

    // without a version: the latest, the rollback, which names its target
    CommandValidationTest.Run latest = sieve("models", "show", "spam");
    assertThat(latest.exit()).as(latest.err()).isZero();
    assertThat(latest.out())
        .startsWith("classifier 'spam' version 4 (latest: served)\n")
        .containsPattern(row("reason", "rollback to v2"))
        .containsPattern(row("full text", "rollback"));

    CommandValidationTest.Run gone = sieve(signed("rollback", "spam", "9"));
    assertThat(gone.exit()).isEqualTo(1);
    assertThat(gone.err()).contains("version 9 of 'spam' is not readable").contains("0, 2, 3, 4");
    assertThat(gone.err().strip().lines()).hasSize(1);

    KeyPairFiles.Written other = KeyPairFiles.throwaway();
    CommandValidationTest.Run badKey =
        sieve("rollback", "spam", "0", "--signing-key-file", other.privateKey().toString());
    assertThat(badKey.exit()).isEqualTo(1);
    assertThat(badKey.err())
        .contains("does not verify with the trusted keys")
        .contains("UNKNOWN_KEY");

    CommandValidationTest.Run badName =
        sieve(signed("classifier", "create", "Spam!", "--labels", "a,b"));
    assertThat(badName.exit()).isEqualTo(1);
    assertThat(badName.err()).contains("classifier name 'Spam!' is not valid");

    CommandValidationTest.Run retrain =
        sieve("retrain", "spam", "--reason", "manual", "--detail", "from the IT");
    assertThat(retrain.exit()).as(retrain.err()).isZero();
    assertThat(retrain.out()).contains("retrain requested for 'spam' (reason manual");
    List<RetrainRequest> requests = retrainRequests();
    assertThat(requests).hasSize(1);
    assertThat(requests.get(0).getClassifier()).isEqualTo("spam");
    assertThat(requests.get(0).getReason()).isEqualTo("manual");
    assertThat(requests.get(0).getDetail()).isEqualTo("from the IT");
    assertThat(requests.get(0).getRequestedAtMs()).isPositive();
  }

  /** A line of {@code models show}'s fact table: the label, padding, the value. */
  private static java.util.regex.Pattern row(String label, String value) {
    return java.util.regex.Pattern.compile(
        "(?m)^  "
            + java.util.regex.Pattern.quote(label)
            + " +"
            + java.util.regex.Pattern.quote(value)
            + "$");
  }

  private static List<RetrainRequest> retrainRequests() {
    return IT.readCommitted(
        Topics.RETRAIN_REQUESTS.name(prefix), RetrainRequest.class, found -> !found.isEmpty());
  }
}
