package dev.spool.protocol.json;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Duration;

/**
 * Every duration in Spool's JSON is a number of seconds, fractions allowed, millisecond precision.
 */
final class DurationSeconds {
  private static final BigDecimal THOUSAND = BigDecimal.valueOf(1000);
  private static final BigDecimal MAX_SECONDS = BigDecimal.valueOf(100L * 365 * 24 * 3600);

  private DurationSeconds() {}

  static SimpleModule module() {
    SimpleModule m = new SimpleModule("spool-duration-seconds");
    m.addSerializer(Duration.class, new Writer());
    m.addDeserializer(Duration.class, new Reader());
    return m;
  }

  private static final class Writer extends JsonSerializer<Duration> {
    @Override
    public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider)
        throws IOException {
      long millis = value.toMillis();
      if (millis % 1000 == 0) {
        // Whole seconds (every default): the same digits as the decimal below, without its
        // division, which a batch of many tasks pays several times per task.
        gen.writeNumber(millis / 1000);
      } else {
        gen.writeNumber(BigDecimal.valueOf(millis).divide(THOUSAND).stripTrailingZeros());
      }
    }
  }

  private static final class Reader extends JsonDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      JsonToken t = p.currentToken();
      if (t != JsonToken.VALUE_NUMBER_INT && t != JsonToken.VALUE_NUMBER_FLOAT) {
        return (Duration)
            ctx.handleUnexpectedToken(
                Duration.class, t, p, "a duration must be a number of seconds, e.g. 30 or 1.5");
      }
      BigDecimal seconds = p.getDecimalValue();
      if (seconds.signum() < 0 || seconds.compareTo(MAX_SECONDS) > 0) {
        return (Duration)
            ctx.handleWeirdNumberValue(
                Duration.class, seconds, "a duration must be between 0 and 100 years of seconds");
      }
      return Duration.ofMillis(seconds.multiply(THOUSAND).longValue());
    }
  }
}
