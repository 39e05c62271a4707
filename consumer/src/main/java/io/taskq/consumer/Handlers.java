package io.taskq.consumer;

import io.taskq.common.TaskHandler;
import io.taskq.common.TaskQException;

import java.util.List;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.TreeSet;

/** Finds a {@link TaskHandler} by name with {@link ServiceLoader}. */
public final class Handlers {
    private Handlers() {
    }

    /**
     * A new instance of the handler called {@code name}.
     *
     * @throws TaskQException (exit 2) naming the handlers on the classpath if none has that name
     */
    public static TaskHandler create(String name) {
        TreeSet<String> known = new TreeSet<>();
        try {
            List<ServiceLoader.Provider<TaskHandler>> providers =
                    ServiceLoader.load(TaskHandler.class).stream().toList();
            for (ServiceLoader.Provider<TaskHandler> provider : providers) {
                TaskHandler handler = provider.get();
                if (handler.name().equals(name))
                    return handler;
                known.add(handler.name());
            }
        } catch (ServiceConfigurationError e) {
            throw TaskQException.usage("handler '" + name + "': a TaskHandler on the classpath cannot be loaded: "
                    + e.getMessage());
        }
        throw TaskQException.usage("consumer.handler=" + name + ": no such handler on the classpath (found: "
                + String.join(", ", known)
                + "; add a jar with META-INF/services/io.taskq.common.TaskHandler to TASKQ_CLASSPATH)");
    }
}
