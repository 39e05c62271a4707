package io.taskq.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What the figures were measured on: CPUs the JVM sees, the CPU model, the JDK and the kernel. */
record Machine(int cpus, String cpuModel, String jdk, String os) {
    static Machine describe() {
        String model = "unknown";
        try {
            for (String line : Files.readAllLines(Path.of("/proc/cpuinfo")))
                if (line.startsWith("model name")) {
                    model = line.substring(line.indexOf(':') + 1).strip();
                    break;
                }
        } catch (IOException | RuntimeException e) {
            model = "unknown (" + e.getClass().getSimpleName() + ")";
        }
        return new Machine(Runtime.getRuntime().availableProcessors(), model,
                System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version"),
                System.getProperty("os.name") + " " + System.getProperty("os.version"));
    }

    /** The 1-minute load average from /proc/loadavg, or -1 where there is none. */
    static double loadAverage() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    String oneLine() {
        return cpus + " CPUs (" + cpuModel + "), " + jdk + ", " + os;
    }
}
