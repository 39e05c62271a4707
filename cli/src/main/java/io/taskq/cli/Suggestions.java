package io.taskq.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * What a mistyped command or option name probably meant: the names closest to it by edit distance (insertions,
 * deletions, substitutions and swaps of two neighbouring letters), if they are close enough to be a typo, else the
 * names it is the start of. {@code produse} suggests {@code produce}, {@code --cuont} suggests {@code --count}.
 */
final class Suggestions {
    /** The least length of a typed name that can be a prefix suggestion; shorter ones match too much. */
    private static final int MIN_PREFIX = 3;

    private Suggestions() {
    }

    /** The candidates {@code typed} is most likely a typo of, in the candidates' order; empty if none is close. */
    static List<String> closest(String typed, Collection<String> candidates) {
        int best = Integer.MAX_VALUE;
        List<String> closest = new ArrayList<>();
        for (String candidate : candidates) {
            int d = distance(typed, candidate);
            if (d < best) {
                best = d;
                closest.clear();
            }
            if (d == best && !closest.contains(candidate))
                closest.add(candidate);
        }
        if (!closest.isEmpty() && best <= typoLimit(typed))
            return closest;
        List<String> longer = new ArrayList<>();
        if (typed.replace("-", "").length() >= MIN_PREFIX)
            for (String candidate : candidates)
                if (candidate.startsWith(typed) && !longer.contains(candidate))
                    longer.add(candidate);
        return longer;
    }

    /** The most edits a typo of {@code typed} is taken to have: 1 for short names, up to 3 for long ones. */
    private static int typoLimit(String typed) {
        int letters = typed.replace("-", "").length();
        return letters <= 4 ? 1 : letters <= 9 ? 2 : 3;
    }

    /** The optimal string alignment distance: Levenshtein plus swaps of two neighbouring characters. */
    static int distance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++)
            d[i][0] = i;
        for (int j = 0; j <= b.length(); j++)
            d[0][j] = j;
        for (int i = 1; i <= a.length(); i++)
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1))
                    d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
            }
        return d[a.length()][b.length()];
    }
}
