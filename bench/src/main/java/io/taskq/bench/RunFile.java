package io.taskq.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Properties;

/**
 * The small {@code key=value} files through which the harness's child processes hand their figures (and the W2
 * schedule) to another process. Written to a temporary name and moved into place, so a reader never sees half a file.
 */
final class RunFile {
    private RunFile() {
    }

    static void write(Path file, Map<String, ?> values) throws IOException {
        Properties p = new Properties();
        values.forEach((k, v) -> p.setProperty(k, String.valueOf(v)));
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try (Writer w = Files.newBufferedWriter(tmp, StandardCharsets.UTF_8)) {
            p.store(w, null);
        }
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    static Properties read(Path file) throws IOException {
        Properties p = new Properties();
        try (Reader r = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            p.load(r);
        }
        return p;
    }

    static long longValue(Properties p, String key, Path file) {
        String v = p.getProperty(key);
        if (v == null)
            throw new IllegalStateException(file + " has no '" + key + "'");
        return Long.parseLong(v);
    }
}
