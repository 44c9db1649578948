package dev.spool.protocol.spool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.spool.protocol.FieldException;
import dev.spool.protocol.Require;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Entries planted in pending/ by someone hostile or careless: none is followed, read through,
 * blocked on, or accepted as a task. Real file system: links, FIFOs and sockets are what differs.
 */
@Timeout(30)
class PendingIntakeHostileEntriesTest {
  private static final String SECRET = "s3cr3t-private-key-material";

  /** A pending grammar name for id t1 (priority 500); constant for the parameter lists. */
  private static final String GRAMMAR = "499~1700000000000~t1~1.json";

  @TempDir Path dir;
  private IntakeFixture fx;
  private Path secret;

  @BeforeEach
  void setUp() throws Exception {
    fx = new IntakeFixture(dir);
    Path outside = Files.createDirectories(dir.resolve("outside"));
    // The secret is itself a valid task, so reading through the link would accept it.
    secret =
        Files.writeString(
            outside.resolve("secret.json"),
            "{\"id\":\"t1\",\"argv\":[\"echo\",\"" + SECRET + "\"]}");
  }

  @Test
  void grammarConstantIsAGrammarName() {
    assertEquals(IntakeFixture.grammarName("t1", 0), GRAMMAR);
  }

  @ParameterizedTest
  @ValueSource(strings = {GRAMMAR, "mytask.json"})
  void symlinkToSecretIsMovedNotFollowed(String name) throws Exception {
    Path link = Files.createSymbolicLink(fx.pending().resolve(name), secret);

    IntakeResult.Quarantined q = quarantined(link, "is a symbolic link");

    assertTrue(Files.isSymbolicLink(q.where()), "the link itself is moved");
    assertEquals(secret, Files.readSymbolicLink(q.where()));
    assertSecretIntactAndNotLeaked();
  }

  @Test
  void danglingSymlinkIsQuarantined() throws Exception {
    Path link =
        Files.createSymbolicLink(fx.pending().resolve(GRAMMAR), dir.resolve("no-such-file"));

    IntakeResult.Quarantined q = quarantined(link, "is a symbolic link");

    assertTrue(Files.isSymbolicLink(q.where()));
  }

  @ParameterizedTest
  @ValueSource(strings = {GRAMMAR, "mytask.json"})
  void hardLinkToFileOutsidePendingIsQuarantinedNotRead(String name) throws Exception {
    Path link = Files.createLink(fx.pending().resolve(name), secret);

    IntakeResult.Quarantined q = quarantined(link, "has 2 hard links");

    assertTrue(Files.isSameFile(q.where(), secret), "the link is moved, the file untouched");
    assertSecretIntactAndNotLeaked();
  }

  @ParameterizedTest
  @ValueSource(strings = {GRAMMAR, "mytask.json"})
  void fifoIsQuarantinedWithoutBeingOpened(String name) throws Exception {
    Path fifo = fx.pending().resolve(name);
    Process mkfifo = new ProcessBuilder("mkfifo", fifo.toString()).inheritIO().start();
    assertTrue(mkfifo.waitFor(10, TimeUnit.SECONDS), "mkfifo did not finish");
    assertEquals(0, mkfifo.exitValue());

    // Opening a FIFO for reading blocks until a writer comes: a prompt answer proves no open.
    IntakeResult r =
        assertTimeoutPreemptively(Duration.ofSeconds(5), () -> fx.intake().intake(fifo));

    IntakeResult.Quarantined q = assertInstanceOf(IntakeResult.Quarantined.class, r);
    assertTrue(q.reason().contains("is not a regular file"), q.reason());
    assertTrue(
        Files.readAttributes(q.where(), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
            .isOther(),
        "the FIFO itself is moved");
  }

  @Test
  void unixSocketIsQuarantined() throws Exception {
    Path socket = fx.pending().resolve(GRAMMAR);
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(socket));

      IntakeResult.Quarantined q = quarantined(socket, "is not a regular file");

      assertFalse(Files.isRegularFile(q.where(), LinkOption.NOFOLLOW_LINKS));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {GRAMMAR, "mytask.json"})
  void directoryIsQuarantinedWithItsContentUnread(String name) throws Exception {
    Path d = Files.createDirectory(fx.pending().resolve(name));
    Files.writeString(d.resolve("inner.json"), "{\"id\":\"t1\",\"argv\":[\"x\"]}");

    IntakeResult.Quarantined q = quarantined(d, "is a directory");

    assertTrue(Files.exists(q.where().resolve("inner.json")), "moved whole, nothing dropped");
  }

  @Test
  void dotFileIsIgnoredAndLeftInPlace() throws Exception {
    Path dot = fx.write(".500~0000000000001~t1~1.json.tmp", "{\"id\":");

    IntakeResult r = fx.intake().intake(dot);

    assertInstanceOf(IntakeResult.Ignored.class, r);
    assertTrue(Files.exists(dot));
    assertEquals(List.of(), IntakeFixture.names(fx.quarantine()));
  }

  @Test
  void nameOf255BytesIsQuarantinedUnderABoundedName() throws Exception {
    String name = "a".repeat(250) + ".json";
    Path entry = fx.write(name, "{\"id\":\"t1\",\"argv\":[\"x\"]}");

    IntakeResult.Quarantined q = quarantined(entry, "file name is 255 bytes");

    assertTrue(q.where().getFileName().toString().length() < 160, q.where().toString());
    assertTrue(IntakeFixture.readReason(q.where()).contains("source: pending/" + name + "\n"));
  }

  @Test
  void nameOf300BytesCannotExistAndIdOf300CharsIsRefused() {
    Path tooLong = fx.pending().resolve("a".repeat(295) + ".json");
    FileSystemException e =
        assertThrows(FileSystemException.class, () -> Files.writeString(tooLong, "{}"));
    assertTrue(String.valueOf(e.getReason()).contains("File name too long"), e.toString());
    FieldException refused =
        assertThrows(FieldException.class, () -> Require.id("a".repeat(300), "id"));
    assertEquals("id", refused.field());
  }

  @Test
  void controlCharactersInNameAreSanitizedAndEscaped() throws Exception {
    String name = "evil\nname\u001b[31m\r.json";
    Path entry = fx.write(name, "{\"id\":\"t1\",\"argv\":[\"x\"]}");

    IntakeResult.Quarantined q = quarantined(entry, "file name contains control characters");

    String quarantinedName = q.where().getFileName().toString();
    assertTrue(quarantinedName.matches("[A-Za-z0-9._~-]+"), quarantinedName);
    assertFalse(hasControlCharacter(q.reason()), "reason is one printable line: " + q.reason());
    String reasonFile = IntakeFixture.readReason(q.where());
    assertTrue(
        reasonFile.contains("source: pending/evil\\x0aname\\x1b[31m\\x0d.json\n"), reasonFile);
    assertEquals(4, reasonFile.split("\n").length, "four lines, none injected: " + reasonFile);
  }

  @Test
  void separatorInNameOutsideGrammarIsQuarantinedAtOnce() throws Exception {
    Path entry = fx.write("500~12~t1~1.json", "{\"id\":\"t1\",\"argv\":[\"x\"]}");

    quarantined(entry, "does not follow the pending/ grammar");
  }

  @Test
  void grammarNameWithTooLongIdIsQuarantined() throws Exception {
    Path entry = fx.write("499~1700000000000~" + "a".repeat(129) + "~1.json", "{}");

    quarantined(entry, "does not follow the pending/ grammar");
  }

  @Test
  void grammarLikeNameLongerThanAnyGrammarNameIsQuarantined() throws Exception {
    Path entry = fx.write("499~1700000000000~" + "a".repeat(140) + "~1.json", "{}");

    quarantined(entry, "file name is 165 bytes, longer than the grammar allows (159)");
  }

  @Test
  void unreadableFileIsQuarantinedWithReason() throws Exception {
    assumeTrue(!"root".equals(System.getProperty("user.name")), "root reads any file");
    Path entry = fx.write(GRAMMAR, "{\"id\":\"t1\",\"argv\":[\"x\"]}");
    Files.setPosixFilePermissions(entry, PosixFilePermissions.fromString("---------"));

    quarantined(entry, "permission denied");
  }

  @Test
  void entryThatVanishedIsAnExpectedRace() throws Exception {
    IntakeResult r = fx.intake().intake(fx.pending().resolve(GRAMMAR));

    assertInstanceOf(IntakeResult.Vanished.class, r);
    assertEquals(List.of(), IntakeFixture.names(fx.quarantine()));
  }

  @Test
  void entryOutsidePendingIsAProgrammingError() {
    assertThrows(
        IllegalArgumentException.class,
        () -> fx.intake().intake(fx.layout.dir(TaskState.CLAIMED).resolve(GRAMMAR)));
  }

  private IntakeResult.Quarantined quarantined(Path entry, String fragment) throws IOException {
    IntakeResult r = fx.intake().intake(entry);
    IntakeResult.Quarantined q = assertInstanceOf(IntakeResult.Quarantined.class, r);
    assertTrue(q.reason().contains(fragment), q.reason());
    assertTrue(IntakeFixture.readReason(q.where()).contains(fragment));
    assertFalse(Files.exists(entry, LinkOption.NOFOLLOW_LINKS), "moved out of pending/");
    assertEquals(List.of(), IntakeFixture.names(fx.pending()), "nothing accepted or renamed");
    return q;
  }

  private void assertSecretIntactAndNotLeaked() throws IOException {
    assertTrue(Files.readString(secret).contains(SECRET), "the secret file is untouched");
    for (String text : IntakeFixture.regularFileTexts(fx.quarantine())) {
      if (!text.contains("\"argv\"")) { // the hard-linked secret itself is the same file
        assertFalse(text.contains(SECRET), "secret leaked into quarantine: " + text);
      }
    }
  }

  private static boolean hasControlCharacter(String s) {
    return s.chars().anyMatch(c -> c < 0x20 || c == 0x7f);
  }
}
