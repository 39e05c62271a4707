package io.taskq.cli;

import io.taskq.common.TaskQException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code taskq bench}: listed here for the help and the completion only. {@code bin/taskq bench} runs
 * {@code io.taskq.bench.BenchMain} from the bench module's jars instead of this class.
 */
@Command(name = "bench",
        description = "run the standard benchmarks and their baselines (bin/taskq runs it from the bench module)")
final class BenchCommand implements Callable<Integer> {
    /** Whatever follows is the bench module's to parse. */
    @Unmatched
    private List<String> benchArgs;

    @Override
    public Integer call() {
        throw TaskQException.usage("taskq bench runs from the bench module's jars: start it with bin/taskq bench");
    }
}
