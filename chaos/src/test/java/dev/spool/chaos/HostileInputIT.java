package dev.spool.chaos;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.spool.protocol.spool.TaskState;
import dev.spool.protocol.task.Task;
import dev.spool.protocol.testing.Await;
import java.io.IOException;
import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scenario 8: bad and hostile entries dropped straight into pending/ while good tasks run on two
 * workers that accept only configured types. The protocol's bad-task corpus (its test-jar's {@code
 * corpus/bad/}), symbolic links to a secret and to a runnable task, a hard link, a FIFO, a device
 * node, a directory, names with a newline and with {@code ~}, an id with {@code ../}, a file over
 * the size limit, a raw argv task; plus submitted tasks that try injection through a template
 * parameter and through env. Nothing hostile runs or is read through; every dropped entry is
 * quarantined with a reason file; the good tasks all complete.
 */
@Timeout(600)
class HostileInputIT {
  private static final String SECRET = "SECRET-TOKEN-4f1d";

  @TempDir Path tmp;
  private Scenario scenario;
  private final List<String> skipped = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    if (scenario != null) {
      scenario.close();
    }
  }

  @Test
  void hostileEntriesAreQuarantinedAndNothingHostileRuns() throws Exception {
    scenario = new Scenario("hostile-input", tmp);
    Cluster c = scenario.cluster;
    Workload w = scenario.workload;
    Path pwned = tmp.resolve("PWNED");
    c.allowArgv = false;
    c.writeWorkerConfig(
        String.join(
            "\n",
            "quarantine_refused_argv: true",
            w.markerTypeYaml(),
            "  echo:",
            "    argv: [\"/bin/echo\", \"{input.text}\"]"));
    for (int i = 0; i < Size.pick(12, 200); i++) {
      w.submit(
          w.typed(String.format("good%04d", i), Duration.ofMillis(100)).build(), TaskState.DONE);
    }
    submitInjections(w, pwned);
    c.coordinator(Map.of(), List.of());
    c.worker("w1", 2);
    c.worker("w2", 2);
    int dropped = dropCorpus(c.layout.dir(TaskState.PENDING)) + dropHostile(c, pwned);
    scenario.settle(Duration.ofSeconds(120));
    Await.until(
        Duration.ofSeconds(60),
        "every hostile entry quarantined",
        () -> quarantined(c).size() == dropped && pendingEmpty(c));
    List<String> q = quarantined(c);
    for (String name : q) {
      Path reason = c.layout.quarantine().resolve(name + ".reason");
      assertTrue(Files.size(reason) > 0, "reason for " + name);
    }
    Invariants.Report r =
        scenario.finish("hostile=" + dropped + (skipped.isEmpty() ? "" : " skipped=" + skipped));
    assertFalse(Files.exists(pwned), "an injected command ran");
    for (String evil : List.of("evil-link", "evil-hard", "evil-nl", "evil-tilde", "evil-argv")) {
      assertFalse(Files.exists(c.markers.resolve(evil)), evil + " ran");
    }
    assertFalse(Files.exists(c.markers.resolve("env-ld")), "env-ld ran");
    assertNoSecretAnywhere(c.layout.root());
    assertEquals(Size.pick(12, 200) + 1, r.states().get(TaskState.DONE));
    assertEquals(2, r.states().get(TaskState.DEAD), "the env injections end dead, unrun");
    String echoed = Files.readString(c.layout.stdoutLog("inject-template", 1));
    assertEquals(
        payload(pwned) + "\n", echoed, "a template parameter reaches argv as literal text");
  }

  private static String payload(Path pwned) {
    return "$(touch " + pwned + "); `touch " + pwned + "`; touch " + pwned + " | sh";
  }

  private void submitInjections(Workload w, Path pwned) throws IOException {
    ObjectNode input = JsonNodeFactory.instance.objectNode();
    input.put("text", payload(pwned));
    w.submitUnmarked(
        Task.builder("inject-template").createdAt(Instant.now()).type("echo").input(input).build(),
        TaskState.DONE);
    w.submit(
        w.typed("env-ld", Duration.ZERO)
            .env("LD_PRELOAD", tmp.resolve("evil.so").toString())
            .build(),
        TaskState.DEAD);
    w.submit(
        w.typed("env-path", Duration.ZERO).env("PATH", tmp.toString()).build(), TaskState.DEAD);
  }

  /** The corpus files a hand-dropped name must refuse; returns how many were dropped. */
  private static int dropCorpus(Path pending) throws IOException {
    int n = 0;
    for (String line : resource("expected.tsv").split("\n")) {
      if (line.startsWith("#") || line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      if (!f[3].equals("both")) {
        continue;
      }
      Files.write(pending.resolve("corpus-" + f[0]), resourceBytes(f[0]));
      n++;
    }
    return n;
  }

  private static String resource(String name) throws IOException {
    return new String(resourceBytes(name), StandardCharsets.UTF_8);
  }

  private static byte[] resourceBytes(String name) throws IOException {
    try (InputStream in = HostileInputIT.class.getResourceAsStream("/corpus/bad/" + name)) {
      if (in == null) {
        throw new IOException("protocol test-jar lacks corpus/bad/" + name);
      }
      return in.readAllBytes();
    }
  }

  private String evilTask(String id) {
    return "{\"id\":\"" + id + "\",\"type\":\"marker\",\"input\":{\"sleep\":\"0\"}}";
  }

  /** The hand-made hostile entries; returns how many were dropped. */
  private int dropHostile(Cluster c, Path pwned) throws Exception {
    Path pending = c.layout.dir(TaskState.PENDING);
    Path outside = Files.createDirectories(tmp.resolve("outside"));
    Path secret = Files.writeString(outside.resolve("secret.txt"), SECRET);
    int n = 0;
    Files.createSymbolicLink(pending.resolve("link-secret.json"), secret);
    n++;
    Path linked = Files.writeString(outside.resolve("linked.json"), evilTask("evil-link"));
    Files.createSymbolicLink(pending.resolve("link-task.json"), linked);
    n++;
    Path hard = Files.writeString(outside.resolve("hard.json"), evilTask("evil-hard"));
    Files.createLink(pending.resolve("hardlink.json"), hard);
    n++;
    if (run("mkfifo", pending.resolve("fifo.json").toString())) {
      n++;
    } else {
      skipped.add("fifo(mkfifo failed)");
    }
    if (run("mknod", pending.resolve("device.json").toString(), "c", "1", "3")) {
      n++;
    } else {
      skipped.add("device(mknod needs root)");
    }
    Files.createDirectory(pending.resolve("dir.json"));
    n++;
    Files.writeString(pending.resolve("evil\nnewline.json"), evilTask("evil-nl"));
    n++;
    Files.writeString(pending.resolve("a~b.json"), evilTask("evil-tilde"));
    n++;
    Files.writeString(pending.resolve("dotdot.json"), evilTask("../../etc/evil"));
    n++;
    Files.writeString(
        pending.resolve("raw-argv.json"),
        "{\"id\":\"evil-argv\",\"argv\":[\"/bin/sh\",\"-c\",\"touch " + pwned + "\"]}");
    n++;
    try (RandomAccessFile big = new RandomAccessFile(pending.resolve("huge.json").toFile(), "rw")) {
      big.setLength(8L * 1024 * 1024); // sparse: no real disk used
    }
    n++;
    return n;
  }

  private static boolean run(String... cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
  }

  private static List<String> quarantined(Cluster c) {
    try (Stream<Path> s = Files.list(c.layout.quarantine())) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> !n.endsWith(".reason") && !n.startsWith("."))
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static boolean pendingEmpty(Cluster c) {
    try (Stream<Path> s = Files.list(c.layout.dir(TaskState.PENDING))) {
      return s.findAny().isEmpty();
    } catch (IOException e) {
      return false;
    }
  }

  /** No regular file in the spool contains the secret: nothing was read through a link. */
  private static void assertNoSecretAnywhere(Path root) throws IOException {
    try (Stream<Path> s = Files.walk(root)) {
      for (Path p : s.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList()) {
        if (Files.size(p) > 4 * 1024 * 1024) {
          continue;
        }
        String text = new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1);
        assertFalse(text.contains(SECRET), "the secret was read into " + p);
      }
    }
  }
}
