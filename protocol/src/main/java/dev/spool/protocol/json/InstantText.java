package dev.spool.protocol.json;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Instants are ISO-8601 strings with an offset ({@code Z} when written). A number is refused: a
 * millisecond count read as seconds would put a task 50,000 years in the future.
 */
final class InstantText {
  private InstantText() {}

  static SimpleModule module() {
    SimpleModule m = new SimpleModule("spool-instant-text");
    m.addDeserializer(Instant.class, new Reader());
    return m;
  }

  private static final class Reader extends JsonDeserializer<Instant> {
    @Override
    public Instant deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      if (p.currentToken() != JsonToken.VALUE_STRING) {
        return (Instant)
            ctx.handleUnexpectedToken(
                Instant.class,
                p.currentToken(),
                p,
                "expected an ISO-8601 time such as \"2026-11-21T18:00:00Z\"");
      }
      String text = p.getText();
      try {
        return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      } catch (DateTimeParseException e) {
        return (Instant)
            ctx.handleWeirdStringValue(
                Instant.class,
                text,
                "not an ISO-8601 time with offset, such as \"2026-11-21T18:00:00Z\"");
      }
    }
  }
}
