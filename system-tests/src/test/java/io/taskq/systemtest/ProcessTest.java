package io.taskq.systemtest;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

/**
 * Base of the multi-process tests: a temporary directory per test (kept when the test fails, with every process's
 * logs in logs/) and a {@link Taskq} launcher that stops every process it started after the test, by pid.
 */
abstract class ProcessTest {
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path tmp;

    Taskq taskq;

    @BeforeEach
    void startLauncher() {
        taskq = new Taskq(tmp);
    }

    @AfterEach
    void stopEveryProcess() throws InterruptedException {
        taskq.close();
    }
}
