package io.taskq.workload;

import io.taskq.common.Task;
import io.taskq.common.TaskResult;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class WorkloadTest {
    @ParameterizedTest
    @ValueSource(longs = {0, 1, 2, 999, 1000, 1001, 12_345, 200_000})
    void closedFormShouldMatchTheSumOfExampleHandlerResults(long n) {
        ExampleHandler handler = new ExampleHandler();
        TaskResult result = new TaskResult();
        long sumValue = 0;
        double sumPayload = 0;
        for (long i = 0; i < n; i++) {
            handler.handle(Task.of(Workload.value(i), Workload.payload(i)), result);
            sumValue += result.value();
            sumPayload += result.payload();
        }
        assertEquals(sumValue, Workload.expectedSumValue(n));
        assertEquals(sumPayload, Workload.expectedSumPayload(n));
    }
}
