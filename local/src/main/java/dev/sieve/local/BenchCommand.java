package dev.sieve.local;

import dev.sieve.tools.bench.ExtractorBenchCommand;
import picocli.CommandLine.Command;

/** {@code sieve bench}: benchmarks, as commands that print figures (never as timed tests). */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Benchmarks that print figures.",
    subcommands = {InferenceBenchCommand.class, ExtractorBenchCommand.class})
public final class BenchCommand {}
