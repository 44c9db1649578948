package dev.spool.protocol.spool;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads the plain {@code spool.json} that {@code spool init} writes with Jackson's streaming parser
 * alone, so that opening a spool does not build the object mapper (most of a short command's
 * start-up). It accepts only a subset of what the codec accepts: one flat object of ASCII text, no
 * duplicate keys, nothing after it, every value a string, boolean or null, {@code format}, {@code
 * version} and {@code created_at} strings. Anything else comes back empty and the codec reads the
 * file, so every error message is the codec's.
 */
final class SpoolMetaText {
  private static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();
  private static final int MAX_BYTES = 64 * 1024;

  private SpoolMetaText() {}

  static Optional<SpoolMeta> tryRead(byte[] bytes) {
    if (bytes.length > MAX_BYTES) {
      return Optional.empty();
    }
    for (byte b : bytes) {
      if (b < 0) {
        return Optional.empty(); // not ASCII: UTF-8 checks and BOM are the codec's
      }
    }
    try (JsonParser p = FACTORY.createParser(bytes)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return Optional.empty();
      }
      String format = null;
      String version = null;
      String createdAt = null;
      for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
        String name = p.currentName();
        JsonToken value = p.nextToken();
        if (value == null || value.isStructStart() || value.isNumeric()) {
          return Optional.empty(); // numbers: the codec's length limit is not checked here
        }
        if (name.equals("format") || name.equals("version") || name.equals("created_at")) {
          if (value != JsonToken.VALUE_STRING) {
            return Optional.empty();
          }
          format = name.equals("format") ? p.getText() : format;
          version = name.equals("version") ? p.getText() : version;
          createdAt = name.equals("created_at") ? p.getText() : createdAt;
        }
      }
      if (p.nextToken() != null || format == null || version == null || createdAt == null) {
        return Optional.empty();
      }
      return Optional.of(new SpoolMeta(format, version, instant(createdAt)));
    } catch (IOException | RuntimeException e) {
      // Not the plain form (or not valid at all): the codec reads it and names the problem.
      return Optional.empty();
    }
  }

  /** As the codec reads an instant: ISO-8601 with an offset. */
  private static Instant instant(String text) {
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
