package io.taskq.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.filter.Filter;
import ch.qos.logback.core.spi.FilterReply;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;
import org.slf4j.MarkerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Keeps a one-shot command's console to its own output: while it is in force, every console appender of the logging
 * configuration passes only WARN and ERROR lines, and INFO lines marked {@link #SHOWN}. Other appenders (a log file
 * the user configured) still get every line, since only the consoles are filtered, not the loggers.
 * <p>
 * Not thread-safe: {@link Main} applies and closes it around one command.
 */
final class QuietConsole implements AutoCloseable {
    /**
     * Marks an INFO line that a quiet console still shows: what a command is waiting for (other processes), without
     * which a long wait would look like a hang.
     */
    static final Marker SHOWN = MarkerFactory.getMarker("TASKQ_SHOWN");

    private final List<Appender<ILoggingEvent>> consoles;
    private final Filter<ILoggingEvent> filter = new WarningsAndShown();

    private QuietConsole(List<Appender<ILoggingEvent>> consoles) {
        this.consoles = consoles;
    }

    /** Filters every console appender until {@link #close()}; does nothing if the logging is not logback's. */
    static QuietConsole apply() {
        List<Appender<ILoggingEvent>> consoles = new ArrayList<>();
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context)
            for (ch.qos.logback.classic.Logger logger : context.getLoggerList())
                for (Iterator<Appender<ILoggingEvent>> it = logger.iteratorForAppenders(); it.hasNext(); ) {
                    Appender<ILoggingEvent> appender = it.next();
                    if (appender instanceof ConsoleAppender && !consoles.contains(appender))
                        consoles.add(appender);
                }
        QuietConsole quiet = new QuietConsole(consoles);
        quiet.filter.start();
        consoles.forEach(a -> a.addFilter(quiet.filter));
        return quiet;
    }

    /** Takes the filter off again, leaving the appenders' own filters as they were. */
    @Override
    public void close() {
        for (Appender<ILoggingEvent> appender : consoles) {
            List<Filter<ILoggingEvent>> others = new ArrayList<>(appender.getCopyOfAttachedFiltersList());
            others.remove(filter);
            appender.clearAllFilters();
            others.forEach(appender::addFilter);
        }
        filter.stop();
    }

    /** WARN and above, and lines marked {@link #SHOWN}. */
    private static final class WarningsAndShown extends Filter<ILoggingEvent> {
        @Override
        public FilterReply decide(ILoggingEvent event) {
            if (event.getLevel().isGreaterOrEqual(Level.WARN))
                return FilterReply.NEUTRAL;
            List<Marker> markers = event.getMarkerList();
            if (markers != null)
                for (Marker m : markers)
                    if (m.contains(SHOWN))
                        return FilterReply.NEUTRAL;
            return FilterReply.DENY;
        }
    }
}
