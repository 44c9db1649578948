package dev.spool.protocol.spool;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Bad task files, each with the reason fragment and field the intake must name. Small ones live in
 * {@code src/test/resources/corpus/bad/} (listed in {@code expected.tsv}); truncations, deep
 * nesting and files over the size limit are generated here, the large ones sparse, never committed.
 */
final class BadTaskCorpus {
  /** A valid task with multi-byte characters, so some truncations split a UTF-8 sequence. */
  static final byte[] VALID_TASK =
      ("{\"id\":\"bad-task\",\"argv\":[\"printf\",\"h\u00e9llo \u2603\"],\"priority\":7,"
              + "\"timeout\":30,\"env\":{\"A\":\"1\"},\"labels\":{\"k\":\"v\"}}")
          .getBytes(StandardCharsets.UTF_8);

  /** The field of a case whose blamed field depends on where the parser stopped. */
  static final String ANY_FIELD = "*";

  /** How one bad file is put into place. */
  interface Content {
    void writeTo(Path target) throws IOException;
  }

  /**
   * One bad file.
   *
   * @param field the field the reason must name, null when no single field is to blame, or {@link
   *     #ANY_FIELD} when either is right (a truncation inside a value blames that value)
   * @param grammarOnly true when the file is only bad under a grammar name (an id mismatch)
   * @param unsafe true when it is refused before being read, so even a hand-dropped copy is
   *     quarantined at once instead of waiting to settle
   */
  record BadCase(
      String label,
      Content content,
      String field,
      String fragment,
      boolean grammarOnly,
      boolean unsafe) {
    @Override
    public String toString() {
      return label;
    }
  }

  private BadTaskCorpus() {}

  static List<BadCase> all() {
    List<BadCase> cases = new ArrayList<>(fromResources());
    cases.addAll(truncations());
    cases.addAll(generated());
    return cases;
  }

  static Path resourceDir() {
    try {
      return Path.of(BadTaskCorpus.class.getResource("/corpus/bad/expected.tsv").toURI())
          .getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static List<BadCase> fromResources() {
    Path dir = resourceDir();
    List<BadCase> cases = new ArrayList<>();
    try {
      for (String line : Files.readAllLines(dir.resolve("expected.tsv"))) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        String[] f = line.split("\t", -1);
        byte[] bytes = Files.readAllBytes(dir.resolve(f[0]));
        String field = f[1].equals("-") ? null : f[1];
        cases.add(bytes(f[0], bytes, field, f[2], f[3].equals("grammar")));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return cases;
  }

  /** Every proper prefix of a valid task: what a reader sees of a file still being written. */
  static List<BadCase> truncations() {
    List<BadCase> cases = new ArrayList<>();
    for (int n = 0; n < VALID_TASK.length; n++) {
      byte[] prefix = Arrays.copyOf(VALID_TASK, n);
      String fragment =
          n == 0 ? "is empty" : splitsUtf8(prefix) ? "is not valid UTF-8" : "ends early";
      cases.add(bytes("truncated-to-" + n, prefix, ANY_FIELD, fragment, false));
    }
    return cases;
  }

  static List<BadCase> generated() {
    String head = "{\"id\":\"bad-task\",\"argv\":[\"x\"],\"input\":";
    byte[] nul = new byte[4096];
    return List.of(
        bytes(
            "nesting-10000-in-input",
            (head + "[".repeat(10_000) + "]".repeat(10_000) + "}").getBytes(StandardCharsets.UTF_8),
            null,
            "exceeds a parser limit",
            false),
        bytes(
            "nesting-10000-top-level",
            ("[".repeat(10_000) + "]".repeat(10_000)).getBytes(StandardCharsets.UTF_8),
            null,
            "expected an object, got an array", // refused at the first token, before any depth is
            // reached
            false),
        bytes(
            "nesting-10000-objects-in-metadata",
            ("{\"id\":\"bad-task\",\"argv\":[\"x\"],\"metadata\":"
                    + "{\"a\":".repeat(10_000)
                    + "1"
                    + "}".repeat(10_001))
                .getBytes(StandardCharsets.UTF_8),
            null,
            "exceeds a parser limit",
            false),
        bytes("nul-bytes-only", nul, null, "is not valid JSON", false),
        new BadCase(
            "valid-but-one-byte-over-1MiB",
            target -> {
              byte[] padded = Arrays.copyOf(VALID_TASK, 1024 * 1024 + 1);
              Arrays.fill(padded, VALID_TASK.length, padded.length, (byte) ' ');
              Files.write(target, padded);
            },
            null,
            "is 1048577 bytes, over the limit of 1048576",
            false,
            true),
        new BadCase(
            "sparse-50MB",
            target -> {
              try (RandomAccessFile f = new RandomAccessFile(target.toFile(), "rw")) {
                f.setLength(50L * 1024 * 1024);
              }
            },
            null,
            "is 52428800 bytes, over the limit of 1048576",
            false,
            true));
  }

  private static BadCase bytes(
      String label, byte[] bytes, String field, String fragment, boolean grammarOnly) {
    byte[] copy = bytes.clone();
    return new BadCase(
        label, target -> Files.write(target, copy), field, fragment, grammarOnly, false);
  }

  /** True when the bytes end inside a multi-byte UTF-8 sequence. */
  static boolean splitsUtf8(byte[] b) {
    int i = b.length - 1;
    int continuation = 0;
    while (i >= 0 && (b[i] & 0xC0) == 0x80) {
      continuation++;
      i--;
    }
    if (i < 0 || (b[i] & 0x80) == 0) {
      return false;
    }
    int lead = b[i] & 0xff;
    int expected = lead >= 0xF0 ? 3 : lead >= 0xE0 ? 2 : 1;
    return continuation < expected;
  }
}
