package io.taskq.cli;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;

class Utf8Test {
    private static int invalidAt(int... bytes) {
        byte[] b = new byte[bytes.length];
        for (int i = 0; i < bytes.length; i++)
            b[i] = (byte) bytes[i];
        return Utf8.invalidAt(b, 0, b.length);
    }

    @Test
    void shouldAcceptEveryWellFormedSequenceUpToTheLastCodePoint() {
        assertEquals(-1, invalidAt());
        assertEquals(-1, invalidAt('a', 0x7f, 0));
        assertEquals(-1, invalidAt(0xc2, 0x80, 0xdf, 0xbf));
        assertEquals(-1, invalidAt(0xe0, 0xa0, 0x80, 0xed, 0x9f, 0xbf, 0xef, 0xbf, 0xbf));
        assertEquals(-1, invalidAt(0xf0, 0x90, 0x80, 0x80, 0xf4, 0x8f, 0xbf, 0xbf));
        byte[] text = "héllo wörld ✓ 😀".getBytes(StandardCharsets.UTF_8);
        assertEquals(-1, Utf8.invalidAt(text, 0, text.length));
    }

    @Test
    void shouldNameTheFirstByteOfTheFirstIllFormedSequence() {
        assertEquals(1, invalidAt('a', 0x80), "a stray continuation byte");
        assertEquals(0, invalidAt(0xc0, 0x80), "an overlong two-byte form");
        assertEquals(0, invalidAt(0xc1, 0xbf), "an overlong two-byte form");
        assertEquals(0, invalidAt(0xe0, 0x9f, 0xbf), "an overlong three-byte form");
        assertEquals(0, invalidAt(0xed, 0xa0, 0x80), "a surrogate");
        assertEquals(0, invalidAt(0xf0, 0x8f, 0xbf, 0xbf), "an overlong four-byte form");
        assertEquals(0, invalidAt(0xf4, 0x90, 0x80, 0x80), "above U+10FFFF");
        assertEquals(0, invalidAt(0xf5, 0x80, 0x80, 0x80), "no such lead byte");
        assertEquals(0, invalidAt(0xff));
        assertEquals(2, invalidAt('a', 'b', 0xe2, 0x9c), "a sequence cut short by the end");
        assertEquals(0, invalidAt(0xe2, 'a', 0x93), "a lead byte followed by no continuation");
        assertEquals(3, invalidAt(0xe2, 0x9c, 0x93, 0xe2, 0x9c, 'x'));
    }

    @Test
    void shouldCheckOnlyTheGivenRange() {
        byte[] b = {(byte) 0xff, 'a', 'b', (byte) 0xff};
        assertEquals(-1, Utf8.invalidAt(b, 1, 3));
        assertEquals(3, Utf8.invalidAt(b, 1, 4));
    }

    @Test
    void shouldAgreeWithTheJdksStrictDecoderOnRandomBytes() {
        Random random = new Random(42);
        int[] leads = {0x00, 0x41, 0x7f, 0x80, 0xbf, 0xc0, 0xc2, 0xdf, 0xe0, 0xed, 0xef, 0xf0, 0xf4, 0xf5, 0xff};
        for (int round = 0; round < 200_000; round++) {
            byte[] b = new byte[1 + random.nextInt(6)];
            for (int i = 0; i < b.length; i++)
                b[i] = (byte) (random.nextBoolean() ? leads[random.nextInt(leads.length)] : 0x80 + random.nextInt(64));
            boolean jdkValid;
            try {
                StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                        .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b));
                jdkValid = true;
            } catch (CharacterCodingException e) {
                jdkValid = false;
            }
            assertEquals(jdkValid, Utf8.invalidAt(b, 0, b.length) < 0, () -> java.util.HexFormat.of().formatHex(b));
        }
    }
}
