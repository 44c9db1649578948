package dev.spool.protocol.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shell one-liner of README.md's "Dropping a task from a shell", run verbatim by bash (only its
 * spool path replaced), is taken in by the intake at once: a grammar name, valid content, no temp
 * file left.
 */
@Timeout(30)
class ReadmeDropOneLinerTest {
  @TempDir Path dir;

  /** The first indented block after the heading, without its indentation. */
  static String oneLiner(Path readme) throws Exception {
    List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
    int at = lines.indexOf("## Dropping a task from a shell");
    assertTrue(at >= 0, "README.md has the section");
    List<String> block = new ArrayList<>();
    for (int i = at + 1; i < lines.size() && !lines.get(i).startsWith("#"); i++) {
      if (lines.get(i).startsWith("    ")) {
        block.add(lines.get(i).substring(4));
      } else if (!block.isEmpty()) {
        break;
      }
    }
    assertTrue(!block.isEmpty(), "the section has an indented command block");
    return String.join("\n", block) + "\n";
  }

  @Test
  void theReadmeOneLinerDropsATaskTheIntakeAcceptsAtOnce() throws Exception {
    IntakeFixture f = new IntakeFixture(dir);
    String script = oneLiner(Path.of("..", "README.md"));
    assertTrue(script.contains("/srv/spool"), script);
    script = script.replace("/srv/spool", f.layout.root().toString());

    Process p = new ProcessBuilder("bash", "-euc", script).redirectErrorStream(true).start();
    assertTrue(p.waitFor(20, TimeUnit.SECONDS), "the one-liner finishes");
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), output);

    List<String> names = IntakeFixture.names(f.pending());
    assertEquals(1, names.size(), names.toString());
    assertEquals(List.of(), IntakeFixture.names(f.layout.tmp()), "nothing left in tmp/");
    IntakeResult r = f.intake().intake(f.pending().resolve(names.get(0)));
    IntakeResult.Accepted a = assertInstanceOf(IntakeResult.Accepted.class, r, r.toString());
    assertTrue(a.task().id().startsWith("hello-"), a.task().id());
    assertEquals(List.of("echo", "hello"), a.task().argv());
    assertTrue(names.get(0).startsWith("499~"), "default priority 500 in the name: " + names);
  }
}
