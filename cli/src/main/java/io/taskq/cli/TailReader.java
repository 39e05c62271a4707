package io.taskq.cli;

import net.openhft.chronicle.queue.ChronicleReaderMain;
import net.openhft.chronicle.queue.reader.ChronicleReader;
import org.apache.commons.cli.CommandLine;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * Chronicle Queue's {@link ChronicleReaderMain}, with its flags unchanged, printing each excerpt to {@code out} as the
 * UTF-8 bytes the text wire holds. Chronicle hands over an excerpt's text as a string of one character per byte of
 * the wire; printing those bytes as they are gives back the UTF-8 of a body that {@link TailedTask} wrote, whatever
 * the platform's charset (printing the string itself would garble every character outside ASCII).
 */
final class TailReader extends ChronicleReaderMain {
    private final PrintStream out;

    TailReader(PrintStream out) {
        this.out = out;
    }

    /** Runs the reader with ChronicleReaderMain's command line {@code args}. */
    void print(String[] args) {
        run(args);
    }

    @Override
    protected void configureReader(ChronicleReader reader, CommandLine commandLine) {
        super.configureReader(reader, commandLine);
        // -l: one line per excerpt, as ChronicleReaderMain's own sink does it.
        boolean oneLine = commandLine.hasOption('l');
        reader.withMessageSink(text -> {
            byte[] bytes = (oneLine ? text.replace("\n", "") : text).getBytes(StandardCharsets.ISO_8859_1);
            out.write(bytes, 0, bytes.length);
            out.println();
            out.flush();
        });
    }
}
