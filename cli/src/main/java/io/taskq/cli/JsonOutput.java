package io.taskq.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/**
 * Writes the records behind {@code status --json} and {@code doctor --json} as one line of JSON each, fields in the
 * records' order. Scripts read these lines, so their format is fixed: a whole-valued double below 10^15 keeps one
 * decimal ({@code 450015000.0}, where Java would write {@code 4.50015E8}), any other finite double is written as Java
 * writes it, and NaN or an infinity is {@code null}. Thread-safe.
 */
final class JsonOutput {
    private static final ObjectMapper MAPPER = new ObjectMapper()
            .registerModule(new SimpleModule("taskq-numbers")
                    .addSerializer(Double.class, new Decimal())
                    .addSerializer(Double.TYPE, new Decimal()));

    private JsonOutput() {
    }

    /** {@code value} as one line of JSON. */
    static String line(Object value) {
        try {
            return MAPPER.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A double as the commands have always printed it. */
    private static final class Decimal extends StdSerializer<Double> {
        Decimal() {
            super(Double.class);
        }

        @Override
        public void serialize(Double value, JsonGenerator gen, SerializerProvider provider) throws IOException {
            double d = value;
            if (!Double.isFinite(d))
                gen.writeNull();
            else if (d == Math.rint(d) && Math.abs(d) < 1e15)
                gen.writeNumber(String.format(Locale.ROOT, "%.1f", d));
            else
                gen.writeNumber(Double.toString(d));
        }
    }
}
