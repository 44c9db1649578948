package dev.spool.protocol.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.spool.protocol.InvalidInputException;
import dev.spool.protocol.json.SpoolJson;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The light spool.json reader accepts only what the codec accepts, and reads it the same. */
@Timeout(10)
class SpoolMetaTextTest {
  @Test
  void readsWhatInitWritesAsTheCodecDoes(@TempDir Path dir) throws Exception {
    SpoolLayout.create(dir, Instant.parse("2026-11-21T23:49:58.811771302Z"));
    byte[] bytes = Files.readAllBytes(dir.resolve(SpoolLayout.META_FILE));
    SpoolMeta light = SpoolMetaText.tryRead(bytes).orElseThrow();
    assertEquals(SpoolJson.read("spool.json", bytes, SpoolMeta.class), light);
  }

  @Test
  void neverAcceptsWhatTheCodecRefusesNorReadsItDifferently() {
    List<String> docs =
        List.of(
            "{\"format\":\"spool\",\"version\":\"1.0\",\"created_at\":\"2026-11-21T10:00:00Z\"}",
            "{\"format\":\"spool\",\"version\":\"1.7\",\"created_at\":\"2026-11-21T10:00:00+02:00\","
                + "\"extra\":true,\"x\":null,\"s\":\"t\"}",
            "{\"format\":\"spool\",\"version\":\"2.0\",\"created_at\":\"2026-11-21T10:00:00Z\"}",
            "{\"format\":\"spool\",\"format\":\"spool\",\"version\":\"1.0\","
                + "\"created_at\":\"2026-11-21T10:00:00Z\"}",
            "{\"format\":\"spool\",\"version\":\"1.0\",\"created_at\":\"2026-11-21T10:00:00Z\"} {}",
            "{\"format\":\"queue\",\"version\":\"1.0\",\"created_at\":\"2026-11-21T10:00:00Z\"}",
            "{\"format\":\"spool\",\"version\":\"one\",\"created_at\":\"2026-11-21T10:00:00Z\"}",
            "{\"format\":\"spool\",\"version\":1.0,\"created_at\":\"2026-11-21T10:00:00Z\"}",
            "{\"format\":\"spool\",\"version\":\"1.0\",\"created_at\":\"2026-11-21 10:00\"}",
            "{\"format\":\"spool\",\"version\":\"1.0\",\"created_at\":1795000000}",
            "{\"format\":\"spool\",\"version\":\"1.0\",\"created_at\":\"2026-11-21T10:00:00Z\","
                + "\"n\":"
                + "9".repeat(100)
                + "}",
            "{\"format\":\"spool\",\"version\":\"1.0\",\"created_at\":\"2026-11-21T10:00:00Z\","
                + "\"o\":{\"a\":1}}",
            "{\"format\":\"spool\",\"version\":\"1.0\"}",
            "{\"format\":\"spool\",\"version\":\"1.0\",\"created_at\":\"2026-11-21T10:00:00Z\",}",
            "{\"format\":\"spool\",\"version\":\"1.0\",\"created_at\":\"2026-11-21T10:00:00Z\"",
            "[]",
            "null",
            "",
            "{\"format\":\"spool\",\"version\":\"1.0\",\"created_at\":\"2026-11-21T10:00:00Z\","
                + "\"note\":\"caf\u00e9\"}",
            "\uFEFF{\"format\":\"spool\",\"version\":\"1.0\",\"created_at\":\"2026-11-21T10:00:00Z\"}");
    int accepted = 0;
    for (String doc : docs) {
      byte[] bytes = doc.getBytes(StandardCharsets.UTF_8);
      Optional<SpoolMeta> light = SpoolMetaText.tryRead(bytes);
      if (light.isEmpty()) {
        continue;
      }
      accepted++;
      SpoolMeta full;
      try {
        full = SpoolJson.read("spool.json", bytes, SpoolMeta.class);
      } catch (InvalidInputException e) {
        throw new AssertionError("light reader accepted what the codec refuses: " + doc, e);
      }
      assertEquals(full, light.get(), doc);
    }
    assertEquals(3, accepted, "the plain documents (the first three) are read lightly");
  }

  @Test
  void openReportsACodecErrorForAnOddFile(@TempDir Path dir) throws Exception {
    SpoolLayout.create(dir, Instant.parse("2026-11-21T10:00:00Z"));
    Files.writeString(
        dir.resolve(SpoolLayout.META_FILE), "{\"format\":\"spool\",\"version\":\"1.0\",\"x\":[}");
    SpoolFormatException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            SpoolFormatException.class, () -> SpoolLayout.open(dir));
    assertTrue(e.getMessage().contains("spool.json"), e.getMessage());
  }
}
