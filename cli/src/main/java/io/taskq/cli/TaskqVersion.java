package io.taskq.cli;

import io.taskq.common.store.Schema;
import picocli.CommandLine.IVersionProvider;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * {@code taskq --version}: {@code taskq <project version> (schema <Schema.VERSION>)}. The project version comes from
 * {@code taskq-version.properties}, which the build fills in, so it is the same in the jar and in tests.
 */
final class TaskqVersion implements IVersionProvider {
    private static final String RESOURCE = "taskq-version.properties";

    @Override
    public String[] getVersion() {
        return new String[]{text()};
    }

    static String text() {
        return "taskq " + projectVersion() + " (schema " + Schema.VERSION + ")";
    }

    /** The Maven project version this build was made from. */
    static String projectVersion() {
        Properties properties = new Properties();
        try (InputStream in = TaskqVersion.class.getResourceAsStream(RESOURCE)) {
            if (in == null)
                throw new IllegalStateException(RESOURCE + " is missing from the classpath (build with Maven)");
            properties.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String version = properties.getProperty("version", "");
        if (version.isBlank() || version.contains("${"))
            throw new IllegalStateException(RESOURCE + " was not filled in by the build: version=" + version);
        return version;
    }
}
