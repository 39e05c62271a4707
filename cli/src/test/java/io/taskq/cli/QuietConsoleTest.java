package io.taskq.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.read.ListAppender;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One-shot commands keep the console to warnings and errors unless {@code -v}; other appenders (a log file) still
 * get every line.
 */
class QuietConsoleTest {
    @TempDir
    Path tmp;

    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private final RecordingConsole console = new RecordingConsole();
    private final ListAppender<ILoggingEvent> file = new ListAppender<>();

    /** A console appender that keeps what passes its filters instead of printing it. */
    private static final class RecordingConsole extends ConsoleAppender<ILoggingEvent> {
        final List<ILoggingEvent> shown = new ArrayList<>();

        @Override
        protected void append(ILoggingEvent event) {
            shown.add(event);
        }
    }

    @BeforeEach
    void attach() {
        LoggerContext context = root.getLoggerContext();
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        console.setContext(context);
        console.setEncoder(encoder);
        console.start();
        file.setContext(context);
        file.start();
        root.addAppender(console);
        root.addAppender(file);
    }

    @AfterEach
    void detach() {
        root.detachAppender(console);
        root.detachAppender(file);
        console.stop();
        file.stop();
    }

    private static List<String> lines(List<ILoggingEvent> events, Level level) {
        return events.stream().filter(e -> e.getLevel() == level).map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void shouldPassOnlyWarningsAndShownLinesToTheConsolesWhileInForce() {
        org.slf4j.Logger log = LoggerFactory.getLogger(QuietConsoleTest.class);
        try (QuietConsole ignored = QuietConsole.apply()) {
            log.info("settings");
            log.info(QuietConsole.SHOWN, "waiting for 2 consumers");
            log.warn("a warning");
        }
        log.info("after");

        assertEquals(List.of("waiting for 2 consumers", "after"), lines(console.shown, Level.INFO));
        assertEquals(List.of("a warning"), lines(console.shown, Level.WARN));
        assertEquals(List.of("settings", "waiting for 2 consumers", "after"), lines(file.list, Level.INFO));
    }

    @Test
    @Timeout(120)
    void shouldKeepAOneShotCommandsConsoleQuietUnlessVerbose() {
        String data = tmp.resolve("data").toString();

        CommandRun quiet = CommandRun.of("produce", "--count", "3", "--data-dir", data);
        assertEquals(0, quiet.exitCode(), quiet::toString);
        assertTrue(quiet.out().startsWith("submitted 3 tasks (seq 0..2)"), quiet::toString);
        assertEquals(List.of(), lines(console.shown, Level.INFO), "the console shows no INFO line");
        assertTrue(lines(file.list, Level.INFO).stream().anyMatch(l -> l.startsWith("producer pid ")),
                () -> "the log file still gets the settings: " + lines(file.list, Level.INFO));

        CommandRun verbose = CommandRun.of("produce", "-v", "--count", "3", "--data-dir", data);
        assertEquals(0, verbose.exitCode(), verbose::toString);
        assertTrue(lines(console.shown, Level.INFO).stream().anyMatch(l -> l.startsWith("producer pid ")),
                () -> "with -v the console shows the settings: " + lines(console.shown, Level.INFO));
    }
}
