package dev.sieve.cli;

import picocli.CommandLine.Command;

/** {@code sieve classifier}: declares classifiers. */
@Command(
    name = "classifier",
    mixinStandardHelpOptions = true,
    description = "Declare classifiers (see: sieve classifier create --help).",
    subcommands = {ClassifierCreateCommand.class})
final class ClassifierCommand {}
