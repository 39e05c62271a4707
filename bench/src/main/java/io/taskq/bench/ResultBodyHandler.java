package io.taskq.bench;

import io.taskq.common.Task;
import io.taskq.common.TaskHandler;
import io.taskq.common.TaskResult;
import io.taskq.workload.ExampleHandler;

/**
 * The handler of W1 with result bodies, {@code bench-body}: computes what {@link ExampleHandler} computes and sets a
 * {@value #BODY_BYTES}-byte result body (the value's digits, padded), which the consumer records in the results log,
 * the size of a checksum or a short reply. Its totals are the example handler's, so runs verify as W1 does. It reuses
 * one array: no allocation per task.
 */
public final class ResultBodyHandler implements TaskHandler {
    public static final String NAME = "bench-body";
    static final int BODY_BYTES = 32;

    private final ExampleHandler work = new ExampleHandler();
    private final byte[] body = new byte[BODY_BYTES];

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void handle(Task task, TaskResult result) {
        work.handle(task, result);
        long v = result.value();
        for (int i = BODY_BYTES - 1; i >= 0; i--, v /= 10)
            body[i] = (byte) ('0' + (int) (v % 10));
        result.body(body);
    }
}
