package io.taskq.systemtest;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * Data directory permissions through real processes: owner-only by default, group read and write in group mode (the
 * files Chronicle Queue creates included, given the umask group mode asks for), and a directory every user can write
 * refused unless configured otherwise. The tests run as root; the checks read mode bits, so they hold for root too.
 */
class PermissionsTest extends ProcessTest {

    @Test
    @Timeout(180)
    void shouldCreateAnOwnerOnlyDataDirectoryByDefault() throws Exception {
        Path data = tmp.resolve("data");
        taskq.runOk("produce", "produce", "--count", "10", "--data-dir", data.toString());

        assertEquals("rwx------", mode(data));
        assertEquals("rwx------", mode(data.resolve("tasks")));
        for (String file : List.of("ledger", "results.cm3", ".init.lock"))
            assertEquals("rw-------", mode(data.resolve(file)), file);
    }

    @Test
    @Timeout(180)
    void shouldGiveTheGroupReadAndWriteOnEveryFileInGroupModeWithUmask007() throws Exception {
        Path data = tmp.resolve("shared");
        TaskqProcess p = taskq.startWrapped("produce-group", Map.of("TASKQ_PERMISSIONS_MODE", "group"),
                List.of("sh", "-c", "umask 007 && exec \"$0\" \"$@\""),
                "produce", "--count", "10", "--data-dir", data.toString());
        p.awaitExit(Taskq.COMMAND_TIMEOUT);
        assertEquals(0, p.exitCode(), p::describe);

        assertEquals("rwxrwx---", mode(data));
        try (Stream<Path> walk = Files.walk(data)) {
            for (Path f : walk.filter(f -> !f.equals(data)).toList())
                assertEquals(Files.isDirectory(f) ? "rwxrwx---" : "rw-rw----", mode(f), () -> "mode of " + f);
        }
    }

    @Test
    @Timeout(180)
    void shouldRefuseGroupModeUnderAUmaskThatTakesGroupWriteAwayBeforeCreatingAnything() throws Exception {
        Path data = tmp.resolve("shared");
        TaskqProcess p = taskq.startWrapped("produce-group-022", Map.of("TASKQ_PERMISSIONS_MODE", "group"),
                List.of("sh", "-c", "umask 022 && exec \"$0\" \"$@\""),
                "produce", "--count", "10", "--data-dir", data.toString());
        p.awaitExit(Taskq.COMMAND_TIMEOUT);

        assertRejected(p, "produce", "data directory " + data, "permissions.mode=group needs a umask", "umask 0022");
        assertFalse(Files.exists(data), "nothing was created");
    }

    @Test
    @Timeout(180)
    void shouldRefuseADataDirectoryEveryUserCanWriteUnlessAllowed() throws Exception {
        Path data = tmp.resolve("data");
        taskq.runOk("produce", "produce", "--count", "10", "--data-dir", data.toString());
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwxrwxrwx"));
        DataDirSnapshot before = DataDirSnapshot.of(data);

        TaskqProcess consume = taskq.run("consume", "consume", "--index", "0", "--data-dir", data.toString());
        assertRejected(consume, "consume", "data directory " + data + ": mode 0777 lets every user write it",
                "permissions.allow-other-writable");
        TaskqProcess status = taskq.run("status", "status", "--data-dir", data.toString());
        assertRejected(status, "status", "data directory " + data + ": mode 0777");
        assertEquals(before, DataDirSnapshot.of(data), "the refusals change nothing");
        assertEquals("rwxrwxrwx", mode(data));

        TaskqProcess allowed = taskq.run("status-allowed", Map.of("TASKQ_PERMISSIONS_ALLOW_OTHER_WRITABLE", "true"),
                "status", "--data-dir", data.toString());
        assertEquals(0, allowed.exitCode(), allowed::describe);
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }
}
