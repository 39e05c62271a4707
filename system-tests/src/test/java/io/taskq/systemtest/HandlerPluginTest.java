package io.taskq.systemtest;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A user's handler, in its own jar on TASKQ_CLASSPATH, chosen by name: the README's recipe, run for real. */
class HandlerPluginTest extends ProcessTest {
    private static final Path EXAMPLE_JAR =
            Taskq.PROJECT_ROOT.resolve("examples/handler-example/target/taskq-handler-example.jar");

    @Test
    @Timeout(180)
    void shouldRunAHandlerFromAPluginJarChosenByName() throws Exception {
        assertTrue(Files.exists(EXAMPLE_JAR), "the build makes " + EXAMPLE_JAR);
        Path data = tmp.resolve("data");
        Path csv = Files.writeString(tmp.resolve("tasks.csv"), "value,payload\n3,0.5\n-4,1.5\n# a comment\n10,2.0\n");
        taskq.runOk("producer", "produce", "--input", csv.toString(), "--seal", "--data-dir", data.toString());

        TaskqProcess consumer = taskq.start("consumer", Map.of("TASKQ_CLASSPATH", EXAMPLE_JAR.toString()),
                "consume", "--index", "0", "--exit-on-eos", "--handler", "square", "--data-dir", data.toString());
        consumer.awaitExit(Duration.ofSeconds(120));
        assertEquals(0, consumer.exitCode(), consumer::describe);

        JsonNode status = taskq.status(data);
        assertEquals(3, status.get("done").asLong(), status::toString);
        assertEquals(9 + 16 + 100, status.get("sumValue").asLong(), "square of each value");
        assertEquals(0.25 + 2.25 + 4.0, status.get("sumPayload").asDouble(), "square of each payload");
    }

    @Test
    @Timeout(120)
    void shouldNameTheHandlersItFoundWhenTheNameIsUnknown() throws Exception {
        TaskqProcess consumer = taskq.run("consumer", Map.of("TASKQ_CLASSPATH", EXAMPLE_JAR.toString()),
                "consume", "--index", "0", "--handler", "cube", "--data-dir", tmp.resolve("data").toString());
        assertEquals(2, consumer.exitCode(), consumer::describe);
        String err = consumer.stderr();
        assertTrue(err.contains("consumer.handler=cube") && err.contains("example") && err.contains("square"), err);
    }
}
