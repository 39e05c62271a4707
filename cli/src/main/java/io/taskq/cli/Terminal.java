package io.taskq.cli;

import java.io.PrintStream;
import java.util.Locale;

/** Output helpers for the commands: number formatting and a one-line progress display on a terminal. */
public final class Terminal {
    private Terminal() {
    }

    /** True when standard output is an interactive terminal. */
    public static boolean interactive() {
        return System.console() != null;
    }

    public static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    public static String rate(double perSecond) {
        if (perSecond >= 1_000_000)
            return String.format(Locale.ROOT, "%.2fM", perSecond / 1_000_000);
        if (perSecond >= 10_000)
            return String.format(Locale.ROOT, "%.0fk", perSecond / 1_000);
        return String.format(Locale.ROOT, "%.0f", perSecond);
    }

    /** A progress bar such as {@code [########------------]  42%}. */
    public static String bar(long done, long total, int width) {
        int filled = total <= 0 ? width : (int) Math.min(width, done * width / total);
        return "[" + "#".repeat(filled) + "-".repeat(width - filled) + "] "
                + String.format(Locale.ROOT, "%3d%%", total <= 0 ? 100 : done * 100 / total);
    }

    /** Rewrites the current line of {@code out} (a terminal) with {@code line}. */
    public static void overwrite(PrintStream out, String line) {
        out.print("\r" + line + "\033[K");
        out.flush();
    }
}
