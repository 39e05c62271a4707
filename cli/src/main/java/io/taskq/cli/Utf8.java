package io.taskq.cli;

/**
 * Strict UTF-8 validation (Unicode's well-formed byte sequences, table 3-7): no overlong forms, no surrogates, nothing
 * above U+10FFFF, no stray continuation bytes, no truncated sequence. Allocates nothing.
 */
final class Utf8 {
    private Utf8() {
    }

    /**
     * The index of the first byte of the first ill-formed sequence in {@code bytes[from..to)}, or -1 if the range is
     * well-formed UTF-8 (an empty range is).
     */
    static int invalidAt(byte[] bytes, int from, int to) {
        int i = from;
        while (i < to) {
            int b = bytes[i];
            if (b >= 0) {
                i++;
                continue;
            }
            b &= 0xff;
            int length;
            int min2 = 0x80;
            int max2 = 0xbf;
            if (b >= 0xc2 && b <= 0xdf) {
                length = 2;
            } else if (b >= 0xe0 && b <= 0xef) {
                length = 3;
                if (b == 0xe0)
                    min2 = 0xa0; // overlong below U+0800
                else if (b == 0xed)
                    max2 = 0x9f; // surrogates U+D800..U+DFFF
            } else if (b >= 0xf0 && b <= 0xf4) {
                length = 4;
                if (b == 0xf0)
                    min2 = 0x90; // overlong below U+10000
                else if (b == 0xf4)
                    max2 = 0x8f; // above U+10FFFF
            } else {
                return i; // a continuation byte, an overlong lead (C0, C1) or F5..FF
            }
            if (i + length > to)
                return i;
            int second = bytes[i + 1] & 0xff;
            if (second < min2 || second > max2)
                return i;
            for (int k = 2; k < length; k++)
                if ((bytes[i + k] & 0xc0) != 0x80)
                    return i;
            i += length;
        }
        return -1;
    }
}
