package io.taskq.systemtest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a data directory holds, for "nothing was changed" checks: the SHA-256 of the ledger and of the results map
 * ("absent" for a missing one), and the relative path of every file and directory in it (tasks/ included).
 *
 * @param ledgerSha256  SHA-256 of {@code ledger}
 * @param resultsSha256 SHA-256 of {@code results.cm3}
 * @param paths         every path under the directory, relative, sorted
 */
record DataDirSnapshot(String ledgerSha256, String resultsSha256, List<String> paths) {

    static DataDirSnapshot of(Path dir) throws IOException {
        List<String> paths;
        try (Stream<Path> walk = Files.walk(dir)) {
            paths = walk.filter(p -> !p.equals(dir)).map(p -> dir.relativize(p).toString()).sorted().toList();
        }
        return new DataDirSnapshot(sha256(dir.resolve("ledger")), sha256(dir.resolve("results.cm3")), paths);
    }

    static String sha256(Path file) throws IOException {
        if (!Files.exists(file))
            return "absent";
        MessageDigest digest;
        try {
            digest = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
        byte[] buffer = new byte[64 * 1024];
        try (InputStream in = Files.newInputStream(file)) {
            for (int n; (n = in.read(buffer)) > 0; )
                digest.update(buffer, 0, n);
        }
        return HexFormat.of().formatHex(digest.digest());
    }
}
