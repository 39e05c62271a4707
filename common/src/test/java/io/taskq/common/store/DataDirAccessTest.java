package io.taskq.common.store;

import io.taskq.common.TaskQException;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Permissions of what TaskQ creates, and the refusal of directories other users can write. */
class DataDirAccessTest {
    @TempDir
    Path tmp;

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
    }

    @Test
    void shouldCreateTheDirectoryAndItsFilesForTheOwnerOnlyByDefault() throws IOException {
        Path dir = tmp.resolve("data");
        DataDirectory.openOrCreate(dir, 2, RollCycles.FAST_DAILY).close();
        assertEquals("rwx------", mode(dir));
        assertEquals("rwx------", mode(dir.resolve(DataDirectory.TASKS)));
        assertEquals("rw-------", mode(dir.resolve(DataDirectory.LEDGER)));
        assertEquals("rw-------", mode(dir.resolve(DataDirectory.RESULTS)));
        assertEquals("rw-------", mode(dir.resolve(".init.lock")));
    }

    @Test
    void shouldGiveGroupModeDirectoriesAndFilesGroupReadAndWrite() throws IOException {
        DataDirAccess group = new DataDirAccess(true, false);
        Path dir = Files.createDirectory(tmp.resolve("shared"));
        Path file = Files.createFile(dir.resolve("f"));
        group.directoryCreated(dir);
        group.fileCreated(file);
        assertEquals("rwxrwx---", mode(dir));
        assertEquals("rw-rw----", mode(file));
    }

    @Test
    void shouldRefuseGroupModeWithAUmaskThatTakesGroupWriteAwayNamingTheUmask() {
        Path dir = tmp.resolve("shared");
        TaskQException e = assertThrows(TaskQException.class, () -> DataDirAccess.checkUmask(dir, 0022));
        assertEquals(TaskQException.EXIT_USAGE, e.exitCode());
        assertEquals("data directory " + dir + ": permissions.mode=group needs a umask that lets the group read and "
                + "write (007 or 002), this process has umask 0022 (run `umask 007` before bin/taskq)", e.getMessage());
        DataDirAccess.checkUmask(dir, 0007);
        DataDirAccess.checkUmask(dir, 0002);
    }

    @Test
    void shouldRefuseADirectoryEveryUserCanWriteNamingItAndItsModeUnlessAllowed() throws IOException {
        Path dir = tmp.resolve("data");
        DataDirectory.openOrCreate(dir, 2, RollCycles.FAST_DAILY).close();
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));

        TaskQException e = assertThrows(TaskQException.class,
                () -> DataDirectory.openExisting(dir, RollCycles.FAST_DAILY));
        assertEquals("data directory " + dir + ": mode 0777 lets every user write it; run `chmod o-w " + dir
                + "`, or set permissions.allow-other-writable: true to accept it", e.getMessage());
        assertThrows(TaskQException.class, () -> DataDirectory.openOrCreate(dir, 2, RollCycles.FAST_DAILY));
        assertEquals("rwxrwxrwx", mode(dir), "the refusal changes nothing");

        DataDirectory.openExisting(dir, RollCycles.FAST_DAILY, new DataDirAccess(false, true)).close();
    }

    @Test
    void shouldRefuseALedgerEveryUserCanWrite() throws IOException {
        Path dir = tmp.resolve("data");
        DataDirectory.openOrCreate(dir, 2, RollCycles.FAST_DAILY).close();
        Path ledger = dir.resolve(DataDirectory.LEDGER);
        Files.setPosixFilePermissions(ledger, PosixFilePermissions.fromString("rw-rw-rw-"));

        TaskQException e = assertThrows(TaskQException.class,
                () -> DataDirectory.openExisting(dir, RollCycles.FAST_DAILY));
        assertTrue(e.getMessage().startsWith(ledger + ": mode 0666 lets every user write it"), e.getMessage());
    }

    @Test
    void shouldKeepThePermissionsOfADirectoryItDidNotCreate() throws IOException {
        Path dir = Files.createDirectory(tmp.resolve("mine"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-x---"));
        DataDirectory.openOrCreate(dir, 2, RollCycles.FAST_DAILY).close();
        assertEquals("rwxr-x---", mode(dir));
    }

    @Test
    void shouldPrintModesAsFourOctalDigits() {
        assertEquals("0750", DataDirAccess.octal(PosixFilePermissions.fromString("rwxr-x---")));
        assertEquals("0777", DataDirAccess.octal(PosixFilePermissions.fromString("rwxrwxrwx")));
    }
}
