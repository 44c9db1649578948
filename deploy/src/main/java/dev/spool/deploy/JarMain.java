package dev.spool.deploy;

import dev.spool.coordinator.cli.QuickSubmit;
import java.time.Clock;
import java.util.OptionalInt;

/**
 * The jar's entry point ({@code java -jar spool.jar}, which {@code bin/spool} runs): {@link
 * SpoolMain} without picocli on the way to {@link QuickSubmit}. The launcher looks up {@code main}
 * by reflection, which loads every type in the main class's method signatures; {@link SpoolMain}'s
 * name picocli's {@code CommandLine}, a large class the class-data archive cannot hold.
 */
public final class JarMain {
  private JarMain() {}

  public static void main(String[] args) {
    Clock clock = Clock.systemUTC();
    OptionalInt quick = QuickSubmit.run(args, clock, System.getenv(), System.out, System.err);
    System.exit(quick.isPresent() ? quick.getAsInt() : SpoolMain.runPicocli(clock, args));
  }
}
