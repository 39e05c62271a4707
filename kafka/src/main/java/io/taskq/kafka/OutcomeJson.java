package io.taskq.kafka;

import io.taskq.common.store.TaskOutcome;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;

/**
 * Writes {@link OutcomeMessage}'s JSON straight from a {@link TaskOutcome} and its {@link Origin}: the same bytes as
 * {@code OutcomeMessage.of(outcome, origin, host).toJson()} (the same fields in the same order, Jackson's escapes and
 * number forms), without the message object, the date formatter, the decoder of an ASCII body or Jackson's per-value
 * work. The bridge writes one per outcome it publishes, so this is on its publishing path; OutcomeJsonTest checks it
 * against Jackson. Not thread-safe: one per thread (its buffer is reused).
 */
final class OutcomeJson {
    private static final byte[] HEX = "0123456789ABCDEF".getBytes(StandardCharsets.US_ASCII);
    private static final long MILLIS_PER_DAY = 86_400_000L;
    /** 0000-01-01 and 10000-01-01 in days since 1970-01-01: the years written with 4 digits here. */
    private static final long FIRST_DAY = -719_528L;
    private static final long END_DAY = 2_932_897L;

    private byte[] buf = new byte[1024];
    private int pos;

    /** The JSON of {@code outcome}, of the task put from {@code origin}, published by host {@code host}. */
    byte[] encode(TaskOutcome outcome, Origin origin, String host) {
        pos = 0;
        ascii("{\"seq\":").number(outcome.seq());
        ascii(",\"status\":\"").ascii(outcome.status() == TaskOutcome.Status.OK ? "ok" : "dead");
        ascii("\",\"body\":");
        textOrBase64(outcome.body(), ",\"bodyEncoding\":");
        ascii(",\"slot\":").number(outcome.slot());
        ascii(",\"attempts\":").number(outcome.attempts());
        ascii(",\"value\":").number(outcome.value());
        ascii(",\"payload\":");
        double payload = outcome.payload();
        if (Double.isFinite(payload))
            ascii(Double.toString(payload));
        else
            ascii("\"").ascii(Double.toString(payload)).ascii("\"");
        ascii(",\"handledAt\":\"");
        instant(outcome.handledMillis());
        ascii("\",\"handledAtMillis\":").number(outcome.handledMillis());
        ascii(",\"latencyNanos\":").number(outcome.latencyNanos());
        ascii(",\"key\":");
        textOrBase64(OutcomeMessage.resultKey(origin), ",\"keyEncoding\":");
        ascii(",\"topic\":");
        string(origin.topic());
        ascii(",\"partition\":").number(origin.partition());
        ascii(",\"offset\":").number(origin.offset());
        ascii(",\"host\":");
        string(host);
        ascii("}");
        return Arrays.copyOf(buf, pos);
    }

    /**
     * {@code bytes} as a JSON string if they are valid UTF-8, else in base64, then {@code encodingField} and
     * {@code "utf-8"} or {@code "base64"}.
     */
    private void textOrBase64(byte[] bytes, String encodingField) {
        if (isAscii(bytes) || TaskOutcome.utf8(bytes) != null) {
            // Valid UTF-8: bytes of 0x80 and above are whole characters, written as they are (as Jackson writes
            // them); only ASCII needs escapes.
            utf8String(bytes);
            ascii(encodingField).ascii("\"utf-8\"");
        } else {
            ascii("\"").ascii(Base64.getEncoder().encodeToString(bytes)).ascii("\"");
            ascii(encodingField).ascii("\"base64\"");
        }
    }

    private static boolean isAscii(byte[] bytes) {
        for (byte b : bytes)
            if (b < 0)
                return false;
        return true;
    }

    private void string(String s) {
        utf8String(s.getBytes(StandardCharsets.UTF_8));
    }

    /** Valid UTF-8 {@code bytes} as a JSON string, with Jackson's escapes. */
    private void utf8String(byte[] bytes) {
        // At most 6 bytes per byte (a control character's escape; a 4-byte character's two escapes take 12).
        room(bytes.length * 6 + 2);
        buf[pos++] = '"';
        for (int i = 0; i < bytes.length; i++) {
            byte b = bytes[i];
            if ((b & 0xF8) == 0xF0) {
                // A character beyond the BMP: Jackson writes its surrogate pair as two escapes.
                int cp = (b & 0x07) << 18 | (bytes[i + 1] & 0x3F) << 12 | (bytes[i + 2] & 0x3F) << 6
                        | bytes[i + 3] & 0x3F;
                escape(Character.highSurrogate(cp));
                escape(Character.lowSurrogate(cp));
                i += 3;
                continue;
            }
            if (b < 0 || b >= 0x20 && b != '"' && b != '\\') {
                buf[pos++] = b;
                continue;
            }
            buf[pos++] = '\\';
            switch (b) {
                case '"', '\\' -> buf[pos++] = b;
                case '\b' -> buf[pos++] = 'b';
                case '\t' -> buf[pos++] = 't';
                case '\n' -> buf[pos++] = 'n';
                case '\f' -> buf[pos++] = 'f';
                case '\r' -> buf[pos++] = 'r';
                default -> {
                    pos--;
                    escape((char) b);
                }
            }
        }
        buf[pos++] = '"';
    }

    private void escape(char c) {
        buf[pos++] = '\\';
        buf[pos++] = 'u';
        buf[pos++] = HEX[c >> 12 & 0xF];
        buf[pos++] = HEX[c >> 8 & 0xF];
        buf[pos++] = HEX[c >> 4 & 0xF];
        buf[pos++] = HEX[c & 0xF];
    }

    /** {@code millis} as {@code uuuu-MM-dd'T'HH:mm:ss.SSS'Z'} (UTC), as OutcomeMessage's formatter writes it. */
    private void instant(long millis) {
        long day = Math.floorDiv(millis, MILLIS_PER_DAY);
        if (day < FIRST_DAY || day >= END_DAY) {
            ascii(OutcomeMessage.formatInstant(millis));
            return;
        }
        int ofDay = (int) Math.floorMod(millis, MILLIS_PER_DAY);
        // Civil date from days since the epoch (H. Hinnant's algorithm), proleptic Gregorian as java.time's.
        long z = day + 719_468;
        long era = Math.floorDiv(z, 146_097);
        long doe = z - era * 146_097;
        long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        long mp = (5 * doy + 2) / 153;
        int d = (int) (doy - (153 * mp + 2) / 5 + 1);
        int m = (int) (mp < 10 ? mp + 3 : mp - 9);
        int y = (int) (yoe + era * 400 + (m <= 2 ? 1 : 0));
        room(24);
        digits(y, 4);
        buf[pos++] = '-';
        digits(m, 2);
        buf[pos++] = '-';
        digits(d, 2);
        buf[pos++] = 'T';
        digits(ofDay / 3_600_000, 2);
        buf[pos++] = ':';
        digits(ofDay / 60_000 % 60, 2);
        buf[pos++] = ':';
        digits(ofDay / 1000 % 60, 2);
        buf[pos++] = '.';
        digits(ofDay % 1000, 3);
        buf[pos++] = 'Z';
    }

    private void digits(int value, int width) {
        for (int i = width - 1; i >= 0; i--) {
            buf[pos + i] = (byte) ('0' + value % 10);
            value /= 10;
        }
        pos += width;
    }

    private OutcomeJson number(long n) {
        return ascii(Long.toString(n));
    }

    private OutcomeJson ascii(String s) {
        room(s.length());
        for (int i = 0; i < s.length(); i++)
            buf[pos++] = (byte) s.charAt(i);
        return this;
    }

    private void room(int bytes) {
        if (pos + bytes > buf.length)
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + bytes));
    }
}
