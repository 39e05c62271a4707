package io.taskq.bench;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonSerializer;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;

import java.io.IOException;
import java.util.Locale;

/**
 * The JSON of the harness, through Jackson: {@link BenchReport} as {@code --json} prints it, and what the Python
 * baseline prints. The layout is the one {@code bench --json} has always had: two-space indents, {@code "key": value},
 * arrays on one line; a figure (a {@code double}) with 3 decimals, or as a whole number when it is one, and
 * {@code null} when it is not finite. Reading is strict: an unknown key or trailing text is an error. Thread-safe.
 */
final class BenchJson {
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .addModule(new SimpleModule("bench-figures")
                    .addSerializer(Double.class, new FigureSerializer())
                    .addSerializer(double.class, new FigureSerializer()))
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    private static final ObjectWriter PRETTY = MAPPER.writer(new DefaultPrettyPrinter(Separators.createDefaultInstance()
            .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
            .withArrayValueSpacing(Separators.Spacing.AFTER)
            .withObjectEmptySeparator("")
            .withArrayEmptySeparator(""))
            .withObjectIndenter(new DefaultIndenter("  ", "\n"))
            .withArrayIndenter(new DefaultPrettyPrinter.NopIndenter()));

    private BenchJson() {
    }

    /** {@code value} as indented JSON, without a final newline. */
    static String write(Object value) {
        try {
            return PRETTY.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write " + value.getClass().getSimpleName() + " as JSON", e);
        }
    }

    /** The one JSON value of {@code text} as a {@code type}; a key that is absent reads as null (or 0, false). */
    static <T> T read(String text, Class<T> type) throws JsonProcessingException {
        return MAPPER.readValue(text, type);
    }

    /** {@link #read}, and every component of the record {@code type} must be there. */
    static <T> T readComplete(String text, Class<T> type) throws JsonProcessingException {
        return MAPPER.readerFor(type).with(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES).readValue(text);
    }

    /**
     * A figure with 3 decimals, or a whole number when it shows as one: {@code 20753.630}, {@code 2409}. Decided on
     * the rounded text, so that a figure read back writes the same: 63621.9996 and 63622 both write {@code 63622}.
     */
    private static final class FigureSerializer extends JsonSerializer<Double> {
        @Override
        public void serialize(Double value, JsonGenerator json, SerializerProvider provider) throws IOException {
            double d = value;
            if (!Double.isFinite(d)) {
                json.writeNull();
                return;
            }
            String figure = String.format(Locale.ROOT, "%.3f", d);
            if (figure.endsWith(".000") && Math.abs(d) < 1e15)
                json.writeNumber(Math.round(d));
            else
                json.writeNumber(figure);
        }
    }
}
