package dev.spool.worker.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.protocol.result.Outcome;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.testing.Await;
import dev.spool.worker.config.TypeTemplate;
import dev.spool.worker.testing.Scripts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class ProcessRunTest {
  @TempDir Path dir;

  private LaunchSpec spec(
      List<String> argv, byte[] stdin, Duration timeout, Duration idle, long cap) {
    return new LaunchSpec(
        argv,
        Map.of("PATH", "/usr/bin:/bin"),
        dir,
        stdin,
        new LaunchSpec.OutputFiles(dir.resolve("out.log"), dir.resolve("err.log"), cap),
        new LaunchSpec.Limits(timeout, idle, Duration.ofMillis(500)),
        "tok-" + System.nanoTime());
  }

  private LaunchSpec spec(Path script) {
    return spec(
        List.of(script.toString()), null, Duration.ofSeconds(20), Duration.ofSeconds(20), 1 << 20);
  }

  private static RunResult run(LaunchSpec spec) {
    return new ProcessRun(spec, Clock.systemUTC(), System::nanoTime).run();
  }

  private String out() throws IOException {
    return Files.readString(dir.resolve("out.log"));
  }

  @Test
  void succeedsAndFailsByExitCodeWithTheStderrTail() throws IOException {
    RunResult ok = run(spec(Scripts.write(dir, "ok.sh", "echo hello")));
    assertInstanceOf(Outcome.Succeeded.class, ok.outcome());
    assertEquals("hello\n", out());
    assertEquals(6, ok.stdoutBytes());

    RunResult bad = run(spec(Scripts.write(dir, "bad.sh", "echo broken pipe dream >&2; exit 3")));
    assertEquals(new Outcome.Failed(3, null), bad.outcome());
    assertTrue(
        bad.message().contains("exit 3") && bad.message().contains("broken pipe dream"),
        bad.message());
  }

  @Test
  void aStreamTheProcessNeverWroteToLeavesNoLogFile() throws IOException {
    RunResult silent = run(spec(Scripts.write(dir, "silent.sh", "exit 0")));
    assertInstanceOf(Outcome.Succeeded.class, silent.outcome());
    assertEquals(0, silent.stdoutBytes());
    assertFalse(Files.exists(dir.resolve("out.log")), "no stdout, no file");
    assertFalse(Files.exists(dir.resolve("err.log")), "no stderr, no file");

    RunResult errOnly = run(spec(Scripts.write(dir, "err.sh", "echo oops >&2; exit 1")));
    assertEquals(new Outcome.Failed(1, null), errOnly.outcome());
    assertFalse(Files.exists(dir.resolve("out.log")));
    assertEquals("oops\n", Files.readString(dir.resolve("err.log")));
    assertTrue(errOnly.message().contains("oops"), errOnly.message());
  }

  @Test
  void templatePlaceholdersArriveLiterallyAsOneArgumentEach() throws Exception {
    Path printer =
        Scripts.write(dir, "args.sh", "for a in \"$@\"; do printf '[%s]\\n' \"$a\"; done");
    String hostile = "a b; rm -rf / $(id) `id` 'q' \"d\" * && | > x $HOME";
    ObjectNode input = JsonNodeFactory.instance.objectNode();
    input.put("prompt", hostile);
    input.putObject("opts").put("n", 3);
    Task task =
        Task.builder("t1").createdAt(Instant.EPOCH).type("p").model("m;1").input(input).build();
    TypeTemplate template =
        new TypeTemplate(
            List.of(printer.toString(), "--prompt={prompt}", "{model}", "{input.opts}", "{{x}}"),
            "{prompt}");
    List<String> argv = ArgvTemplate.argv(template, task, 2);
    assertEquals(5, argv.size());
    RunResult r = run(spec(argv, null, Duration.ofSeconds(20), Duration.ofSeconds(20), 1 << 20));
    assertInstanceOf(Outcome.Succeeded.class, r.outcome());
    assertEquals("[--prompt=" + hostile + "]\n[m;1]\n[{\"n\":3}]\n[{x}]\n", out());
    assertEquals(hostile, ArgvTemplate.stdin(template, task, 2));
  }

  @Test
  void aMissingPlaceholderValueIsAnError() {
    Task task = Task.builder("t1").createdAt(Instant.EPOCH).type("p").build();
    TypeTemplate template = new TypeTemplate(List.of("/bin/echo", "{model}"), null);
    ArgvTemplate.TemplateException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ArgvTemplate.TemplateException.class, () -> ArgvTemplate.argv(template, task, 1));
    assertTrue(e.getMessage().contains("{model}"), e.getMessage());
  }

  @Test
  void stdinIsClosedOrFedFromTheTask() throws IOException {
    Path cat = Scripts.write(dir, "cat.sh", "cat; echo end");
    RunResult closed = run(spec(cat));
    assertInstanceOf(Outcome.Succeeded.class, closed.outcome());
    assertEquals("end\n", out());
    run(
        spec(
            List.of(cat.toString()),
            "question?\n".getBytes(StandardCharsets.UTF_8),
            Duration.ofSeconds(20),
            Duration.ofSeconds(20),
            1 << 20));
    assertEquals("question?\nend\n", out());
  }

  @Test
  void outputPastTheCapIsCutWithAMarkerAndTheTaskKeepsRunning() throws IOException {
    Path flood =
        Scripts.write(dir, "flood.sh", "head -c 102400 /dev/zero | tr '\\0' a; echo finished >&2");
    RunResult r =
        run(
            spec(
                List.of(flood.toString()),
                null,
                Duration.ofSeconds(20),
                Duration.ofSeconds(20),
                4096));
    assertInstanceOf(Outcome.Succeeded.class, r.outcome());
    assertEquals(102400, r.stdoutBytes());
    assertTrue(r.stdoutTruncated());
    assertEquals("a".repeat(4096) + CappedOutput.marker(4096), out());
    assertEquals("finished\n", Files.readString(dir.resolve("err.log")));
    assertFalse(r.stderrTruncated());
  }

  @Test
  void hardTimeoutStopsTheTask() throws IOException {
    Path sleeper = Scripts.write(dir, "sleep.sh", "while true; do echo tick; sleep 0.1; done");
    long t0 = System.nanoTime();
    RunResult r =
        run(
            spec(
                List.of(sleeper.toString()),
                null,
                Duration.ofMillis(500),
                Duration.ofSeconds(20),
                1 << 20));
    assertEquals(new Outcome.TimedOut(java.time.Duration.ofMillis(500)), r.outcome());
    assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(Duration.ofSeconds(2)) < 0);
  }

  @Test
  void idleTimeoutFiresOnlyWithoutOutput() throws IOException {
    Path quiet = Scripts.write(dir, "quiet.sh", "echo one; exec sleep 30");
    RunResult r =
        run(
            spec(
                List.of(quiet.toString()),
                null,
                Duration.ofSeconds(20),
                Duration.ofMillis(500),
                1 << 20));
    assertEquals(new Outcome.IdleTimedOut(java.time.Duration.ofMillis(500)), r.outcome());
    assertTrue(r.duration().compareTo(Duration.ofSeconds(2)) < 0, r.duration().toString());
  }

  @Test
  void cancelStopsTheTreeWithinTwoSeconds() throws Exception {
    Path stubborn =
        Scripts.write(dir, "stubborn.sh", "trap '' TERM; echo up; while true; do sleep 0.1; done");
    ProcessRun run =
        new ProcessRun(
            spec(
                List.of(stubborn.toString()),
                null,
                Duration.ofSeconds(20),
                Duration.ofSeconds(20),
                1 << 20),
            Clock.systemUTC(),
            System::nanoTime);
    CompletableFuture<RunResult> f = CompletableFuture.supplyAsync(run::run);
    Await.until(Duration.ofSeconds(10), "output", () -> run.outputBytes() > 0);
    long t0 = System.nanoTime();
    run.requestStop(StopReason.CANCEL);
    RunResult r = f.join();
    assertInstanceOf(Outcome.Cancelled.class, r.outcome());
    assertTrue(Duration.ofNanos(System.nanoTime() - t0).compareTo(Duration.ofSeconds(2)) < 0);
  }

  @Test
  void aMissingProgramIsAFatalLaunchFailure() throws Exception {
    RunResult r =
        run(
            spec(
                List.of(dir.resolve("nope").toString()),
                null,
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                1 << 20));
    Outcome.LaunchFailed f = assertInstanceOf(Outcome.LaunchFailed.class, r.outcome());
    org.junit.jupiter.api.Assertions.assertTrue(f.fatal(), "a retry cannot make it exist: " + f);

    java.nio.file.Path notExecutable = dir.resolve("plain.txt");
    java.nio.file.Files.writeString(notExecutable, "echo hi");
    RunResult r2 =
        run(
            spec(
                List.of(notExecutable.toString()),
                null,
                Duration.ofSeconds(5),
                Duration.ofSeconds(5),
                1 << 20));
    org.junit.jupiter.api.Assertions.assertTrue(
        ((Outcome.LaunchFailed) r2.outcome()).fatal(), "not executable is fatal too");
  }
}
