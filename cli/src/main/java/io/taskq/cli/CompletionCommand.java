package io.taskq.cli;

import io.taskq.common.TaskQException;
import picocli.AutoComplete;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code taskq completion bash}: prints picocli's bash completion script for every command and option. */
@Command(name = "completion",
        description = "print a shell completion script; e.g. in ~/.bashrc: source <(taskq completion bash)")
final class CompletionCommand implements Callable<Integer> {
    @Mixin
    private HelpOption help;
    @Parameters(paramLabel = "SHELL", description = "the shell: bash (zsh too, after autoload bashcompinit)")
    private String shell;
    @Spec
    private CommandSpec spec;
    @ParentCommand
    private Main taskq;

    @Override
    public Integer call() {
        if (!shell.equals("bash"))
            throw TaskQException.usage("taskq completion: SHELL=" + shell + ": must be bash");
        taskq.out().print(AutoComplete.bash("taskq", spec.parent().commandLine()));
        taskq.out().flush();
        return 0;
    }
}
