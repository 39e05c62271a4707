package io.taskq.common;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.SimpleJavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The handler interface leaks no Chronicle type: a handler that uses every part of {@link Task}, {@link TaskResult}
 * and {@link TaskHandler} compiles with plain javac against common's own classes alone, without Chronicle's jars.
 */
class HandlerCompilesAgainstCommonAloneTest {
    private static final String HANDLER = """
            package user;

            import io.taskq.common.Task;
            import io.taskq.common.TaskHandler;
            import io.taskq.common.TaskResult;
            import java.nio.ByteBuffer;

            public final class ChecksumHandler implements TaskHandler {
                @Override
                public String name() {
                    return "checksum";
                }

                @Override
                public void handle(Task task, TaskResult result) {
                    long sum = task.seq() + task.createdNanos() + task.value();
                    if (task.hasBody()) {
                        ByteBuffer body = task.body();
                        while (body.hasRemaining())
                            sum += body.get();
                        sum += task.bodyBytes().length;
                    }
                    result.set(sum, task.payload());
                }

                public static void main(String[] args) throws Exception {
                    TaskResult result = new TaskResult();
                    new ChecksumHandler().handle(Task.of(7, 1.5), result);
                    new ChecksumHandler().handle(Task.of(1, 2, 3, 4.0, new byte[]{5}), result);
                }
            }
            """;

    @TempDir
    Path out;

    @Test
    void aHandlerShouldCompileAgainstCommonsClassesWithoutChronicle() throws Exception {
        Path common = commonClasses();
        assertTrue(Files.isRegularFile(common.resolve("io/taskq/common/Task.class")),
                common + " holds common's classes");
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        assertTrue(compile("user.ChecksumHandler", HANDLER, common, diagnostics),
                () -> "javac against " + common + " alone: " + diagnostics.getDiagnostics());
        assertTrue(Files.isRegularFile(out.resolve("user/ChecksumHandler.class")));
    }

    /** The control: the same classpath really lacks Chronicle, so the compilation above proves something. */
    @Test
    void theClasspathOfThatCompilationShouldNotHoldChronicle() throws Exception {
        String usesChronicle = """
                package user;

                public final class UsesChronicle {
                    net.openhft.chronicle.bytes.Bytes<?> bytes;
                }
                """;
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        assertFalse(compile("user.UsesChronicle", usesChronicle, commonClasses(), diagnostics),
                "a class using Chronicle must not compile against common's classes alone");
    }

    private boolean compile(String className, String source, Path classpath,
                            DiagnosticCollector<JavaFileObject> diagnostics) throws IOException {
        JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
        assertNotNull(javac, "tests run on a JDK");
        JavaFileObject file = new SimpleJavaFileObject(URI.create("string:///" + className.replace('.', '/')
                + JavaFileObject.Kind.SOURCE.extension), JavaFileObject.Kind.SOURCE) {
            @Override
            public CharSequence getCharContent(boolean ignoreEncodingErrors) {
                return source;
            }
        };
        try (StandardJavaFileManager files = javac.getStandardFileManager(diagnostics, null, null)) {
            List<String> options = List.of("-classpath", classpath.toString(), "-d", out.toString(), "-proc:none");
            return javac.getTask(null, files, diagnostics, options, null, List.of(file)).call();
        }
    }

    /** Where {@link Task} was loaded from: common's target/classes in this build. */
    private static Path commonClasses() throws URISyntaxException {
        return Path.of(Task.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }
}
