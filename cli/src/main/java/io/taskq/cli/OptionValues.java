package io.taskq.cli;

import io.taskq.common.config.Keys;
import io.taskq.common.store.Ledger;
import io.taskq.consumer.ConsumerSettings;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

import java.time.Duration;

/**
 * Converters for option values that are not configuration keys. Each says what is allowed; {@link OneLineErrors}
 * puts the option and the value in front: {@code --count=-5: must be 0..1000000000000}.
 */
public final class OptionValues {
    private OptionValues() {
    }

    /** {@code text} as a whole number, underscores allowed between digits; otherwise {@code failure} as the error. */
    private static long parseWhole(String text, String failure) {
        try {
            return Long.parseLong(text.replace("_", ""));
        } catch (NumberFormatException e) {
            throw new TypeConversionException(failure);
        }
    }

    /** A whole number in {@code min..max}; underscores may group digits ({@code 1_000_000}). */
    abstract static class WholeNumber implements ITypeConverter<Long> {
        private final long min;
        private final long max;

        WholeNumber(long min, long max) {
            this.min = min;
            this.max = max;
        }

        @Override
        public Long convert(String text) {
            long n = parseWhole(text, "must be a whole number in " + min + ".." + max);
            if (n < min || n > max)
                throw new TypeConversionException("must be " + min + ".." + max);
            return n;
        }
    }

    /** {@code produce --count}: 0..{@link ProduceCommand#MAX_COUNT}. */
    static final class TaskCount extends WholeNumber {
        TaskCount() {
            super(0, ProduceCommand.MAX_COUNT);
        }
    }

    /** {@code produce --wait-consumers}: 0..4096, the most slots a data directory can have. */
    static final class ConsumerCount extends WholeNumber {
        ConsumerCount() {
            super(0, 4096);
        }
    }

    /** A whole number of at least {@code min}, with no upper bound to name; underscores may group digits. */
    abstract static class AtLeast implements ITypeConverter<Long> {
        private final long min;
        private final String what;

        AtLeast(long min, String what) {
            this.min = min;
            this.what = what;
        }

        @Override
        public Long convert(String text) {
            long n = parseWhole(text, "must be " + what + ", a whole number >= " + min);
            if (n < min)
                throw new TypeConversionException("must be " + what + ", a whole number >= " + min);
            return n;
        }
    }

    /** {@code dead retry --seq}: a task's seq. */
    static final class Seq extends AtLeast {
        Seq() {
            super(0, "a task seq");
        }
    }

    /** {@code dead --limit}: how many to show. */
    static final class Limit extends AtLeast {
        Limit() {
            super(1, "a count");
        }
    }

    /** {@code consume --index}: a slot number or {@code auto} ({@link ConsumerSettings#AUTO_INDEX}). */
    static final class SlotIndex implements ITypeConverter<Integer> {
        private static final WholeNumber SLOT = new WholeNumber(0, Ledger.MAX_SLOTS - 1) {
        };

        @Override
        public Integer convert(String text) {
            if (text.equals("auto"))
                return ConsumerSettings.AUTO_INDEX;
            if (!text.matches("[0-9_]+"))
                throw new TypeConversionException("must be a slot number (0..slots.max-1) or auto");
            return SLOT.convert(text).intValue();
        }
    }

    /** {@code produce --format}: one of {@link InputFormat}'s names, in lower case. */
    static final class Format implements ITypeConverter<InputFormat> {
        @Override
        public InputFormat convert(String text) {
            InputFormat format = InputFormat.named(text);
            if (format == null)
                throw new TypeConversionException("must be " + InputFormat.NAMES);
            return format;
        }
    }

    /** A duration such as {@code 500ms}, {@code 30s} or {@code 5m}. */
    public static final class TimeSpan implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            try {
                return Keys.parseDuration(text);
            } catch (IllegalArgumentException e) {
                throw new TypeConversionException(e.getMessage());
            }
        }
    }

    /** A {@link TimeSpan} longer than zero. */
    static final class PositiveTimeSpan implements ITypeConverter<Duration> {
        @Override
        public Duration convert(String text) {
            Duration d = new TimeSpan().convert(text);
            if (d.isZero())
                throw new TypeConversionException("must be more than 0");
            return d;
        }
    }
}
