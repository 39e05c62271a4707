package io.taskq.examples;

import io.taskq.common.Task;
import io.taskq.common.TaskHandler;
import io.taskq.common.TaskResult;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Real work with a real result: the result body of each task is the lowercase hex SHA-256 of the task's body, 64
 * ASCII characters; {@code value} is the body's length. With {@code taskq produce --input FILE --format lines}, each
 * line of a file becomes one task, and {@code taskq results} prints one checksum per line. Registered in
 * {@code META-INF/services/io.taskq.common.TaskHandler}, selected with {@code --handler sha256}.
 * <p>
 * One instance per consumer thread (a handler's contract), so the digest and the output buffer are reused: no
 * allocation per task.
 */
public final class Sha256Handler implements TaskHandler {
    private static final byte[] HEX = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final MessageDigest sha256;
    private final byte[] hex = new byte[64];

    public Sha256Handler() {
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public String name() {
        return "sha256";
    }

    @Override
    public void handle(Task task, TaskResult result) {
        sha256.reset();
        sha256.update(task.body());
        byte[] digest = sha256.digest();
        for (int i = 0; i < digest.length; i++) {
            hex[2 * i] = HEX[(digest[i] >> 4) & 0xF];
            hex[2 * i + 1] = HEX[digest[i] & 0xF];
        }
        result.set(task.body().remaining(), 0).body(hex);
    }
}
