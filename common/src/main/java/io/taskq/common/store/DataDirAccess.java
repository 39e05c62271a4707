package io.taskq.common.store;

import io.taskq.common.TaskQException;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Who may use a data directory: the permissions TaskQ gives what it creates, and the check every process makes before
 * it uses a directory.
 * <ul>
 *   <li>{@code owner} (the default): the data directory and {@code tasks/} are created 0700, the ledger, the results
 *       map and the init, retention and dead-letter locks 0600. The directory's mode alone keeps other users out of
 *       everything in it, including the files Chronicle Queue creates later with the process's umask.</li>
 *   <li>{@code group}: 0770 and 0660, for consumers and producers running as several users of one group. Chronicle
 *       Queue creates its cycle and metadata files itself with the process's umask, so every process of such a
 *       directory must run with a umask that keeps group read and write (007 or 002); a process whose umask takes them
 *       away is refused at start, before it creates a file the others cannot write.</li>
 * </ul>
 * A directory (or its ledger, results map or {@code tasks/}) that every user may write is refused unless
 * {@code permissions.allow-other-writable} is true: anyone could then corrupt the counters or plant files.
 * Permission bits are read, never {@code access(2)}: the answer must not depend on running as root.
 * <p>
 * Immutable and thread-safe.
 *
 * @param group              true for the group mode, false for owner only
 * @param allowOtherWritable true to accept directories and files that other users can write
 */
public record DataDirAccess(boolean group, boolean allowOtherWritable) {
    /** Owner only, other-writable directories refused: the defaults of {@code permissions.mode} and
     * {@code permissions.allow-other-writable}. */
    public static final DataDirAccess DEFAULT = new DataDirAccess(false, false);

    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> GROUP_DIR = PosixFilePermissions.fromString("rwxrwx---");
    private static final Set<PosixFilePermission> GROUP_FILE = PosixFilePermissions.fromString("rw-rw----");
    /** The group read and write bits of a umask. */
    private static final int GROUP_RW = 0060;

    /** Gives a directory TaskQ just created its mode (0700 or 0770), whatever the umask did. */
    void directoryCreated(Path dir) throws IOException {
        if (posix(dir))
            Files.setPosixFilePermissions(dir, group ? GROUP_DIR : OWNER_DIR);
    }

    /** Gives a file TaskQ just created its mode (0600 or 0660), whatever the umask did. */
    void fileCreated(Path file) throws IOException {
        if (posix(file))
            Files.setPosixFilePermissions(file, group ? GROUP_FILE : OWNER_FILE);
    }

    /**
     * Opens lock file {@code file} of a data directory for writing, creating it with this mode if it does not exist
     * yet; another process may be creating it at the same moment. Opening an existing file comes first, since it is
     * created only once.
     */
    FileChannel openLockFile(Path file) throws IOException {
        try {
            return FileChannel.open(file, StandardOpenOption.WRITE);
        } catch (NoSuchFileException absent) {
            // created below, unless another process does it first
        }
        try {
            FileChannel created = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            try {
                fileCreated(file);
            } catch (IOException e) {
                created.close();
                throw e;
            }
            return created;
        } catch (FileAlreadyExistsException e) {
            return FileChannel.open(file, StandardOpenOption.WRITE);
        }
    }

    /**
     * In group mode, refuses a process whose umask would make the files Chronicle Queue creates unwritable for the
     * group; called before anything is created.
     */
    void checkProcess(Path dir) {
        if (group)
            checkUmask(dir, umask());
    }

    static void checkUmask(Path dir, int umask) {
        if (umask >= 0 && (umask & GROUP_RW) != 0)
            throw TaskQException.usage("data directory " + dir + ": permissions.mode=group needs a umask that lets the "
                    + "group read and write (007 or 002), this process has umask " + octal(umask)
                    + " (run `umask 007` before bin/taskq)");
    }

    /**
     * Refuses a data directory, or a ledger, results map or {@code tasks/} in it, that other users can write (unless
     * allowed), and in group mode a process with the wrong umask (see {@link #checkProcess}).
     */
    void check(Path dir) {
        checkProcess(dir);
        if (allowOtherWritable)
            return;
        for (Path p : List.of(dir, dir.resolve(DataDirectory.LEDGER), dir.resolve(DataDirectory.RESULTS),
                dir.resolve(DataDirectory.TASKS))) {
            Set<PosixFilePermission> perms = permissions(p);
            if (perms != null && perms.contains(PosixFilePermission.OTHERS_WRITE))
                throw TaskQException.usage((p.equals(dir) ? "data directory " + dir : p.toString()) + ": mode "
                        + octal(perms) + " lets every user write it; run `chmod o-w " + p
                        + "`, or set permissions.allow-other-writable: true to accept it");
        }
    }

    /** The permission bits of {@code p}, or null when it does not exist or the file system has none. */
    static Set<PosixFilePermission> permissions(Path p) {
        if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS) || !posix(p))
            return null;
        try {
            return Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            throw new TaskQException(TaskQException.EXIT_USAGE, p + ": cannot read its permissions (" + e.getMessage()
                    + ")", e);
        }
    }

    /** Permission bits as four octal digits, e.g. 0755. */
    public static String octal(Set<PosixFilePermission> perms) {
        int mode = 0;
        for (PosixFilePermission p : perms)
            mode |= 1 << (8 - p.ordinal());
        return octal(mode);
    }

    private static String octal(int mode) {
        return String.format(Locale.ROOT, "%04o", mode);
    }

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    /** This process's umask from /proc/self/status (Linux 4.7 and later), or -1 where the OS does not say. */
    static int umask() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status")))
                if (line.startsWith("Umask:"))
                    return Integer.parseInt(line.substring("Umask:".length()).trim(), 8);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
