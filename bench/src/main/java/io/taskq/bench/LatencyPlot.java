package io.taskq.bench;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Draws latency-by-percentile curves as an SVG file (no plotting library): the x axis spreads the tail out as
 * {@code log10(1 / (1 - p))}, so 90%, 99%, 99.9% and 99.99% are evenly spaced; the y axis is microseconds on a log
 * scale. One curve per histogram, each holding nanoseconds.
 */
final class LatencyPlot {
    private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"};
    private static final int WIDTH = 860;
    private static final int HEIGHT = 480;
    private static final int LEFT = 84;
    private static final int RIGHT = 230;
    private static final int TOP = 40;
    private static final int BOTTOM = 50;
    /** The x axis ends at 99.999%. */
    private static final double MAX_NINES = 5;

    private LatencyPlot() {
    }

    static void write(Path file, String title, Map<String, Histogram> curves) throws IOException {
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (Histogram h : curves.values()) {
            lo = Math.min(lo, Math.max(0.1, h.getValueAtPercentile(0) / 1000.0));
            hi = Math.max(hi, h.getMaxValue() / 1000.0);
        }
        if (curves.isEmpty() || hi <= 0) {
            lo = 1;
            hi = 10;
        }
        double yMin = Math.floor(Math.log10(lo));
        double yMax = Math.max(yMin + 1, Math.ceil(Math.log10(hi)));
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = HEIGHT - TOP - BOTTOM;

        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, HEIGHT, WIDTH,
                HEIGHT));
        s.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"22\" font-size=\"14\" font-weight=\"bold\">%s</text>%n",
                LEFT, escape(title)));
        // Grid and axis labels.
        for (int nines = 0; nines <= MAX_NINES; nines++) {
            double x = LEFT + plotW * nines / MAX_NINES;
            String label = nines == 0 ? "0%" : percentLabel(nines);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" "
                    + "stroke=\"#ddd\"/>%n", x, TOP, x, TOP + plotH));
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x,
                    TOP + plotH + 18, label));
        }
        for (int e = (int) yMin; e <= (int) yMax; e++) {
            double y = TOP + plotH - plotH * (e - yMin) / (yMax - yMin);
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                    + "stroke=\"#ddd\"/>%n", LEFT, y, LEFT + plotW, y));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
                    LEFT - 6, y + 4, micros(Math.pow(10, e))));
        }
        s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\" fill=\"none\" "
                + "stroke=\"#333\"/>%n", LEFT, TOP, plotW, plotH));
        s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">percentile</text>%n",
                LEFT + plotW / 2, HEIGHT - 10));
        s.append(String.format(Locale.ROOT, "<text x=\"14\" y=\"%d\" text-anchor=\"middle\" "
                + "transform=\"rotate(-90 14 %d)\">latency (log scale)</text>%n", TOP + plotH / 2, TOP + plotH / 2));

        int i = 0;
        for (Map.Entry<String, Histogram> curve : curves.entrySet()) {
            String colour = COLOURS[i % COLOURS.length];
            Histogram h = curve.getValue();
            StringBuilder points = new StringBuilder();
            for (double nines = 0; nines <= MAX_NINES + 1e-9; nines += 0.025) {
                double p = 100.0 * (1 - Math.pow(10, -nines));
                double us = Math.max(Math.pow(10, yMin), h.getValueAtPercentile(p) / 1000.0);
                double x = LEFT + plotW * nines / MAX_NINES;
                double y = TOP + plotH - plotH * (Math.log10(us) - yMin) / (yMax - yMin);
                points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x, y));
            }
            s.append(String.format(Locale.ROOT, "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
                    + "points=\"%s\"/>%n", colour, points.toString().trim()));
            int ly = TOP + 10 + i * 36;
            s.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" "
                    + "stroke-width=\"3\"/>%n", WIDTH - RIGHT + 14, ly, WIDTH - RIGHT + 38, ly, colour));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\">%s</text>%n", WIDTH - RIGHT + 44, ly + 4,
                    escape(curve.getKey())));
            s.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\" fill=\"#555\">"
                    + "p50 %s  p99 %s</text>%n", WIDTH - RIGHT + 44, ly + 18,
                    micros(h.getValueAtPercentile(50) / 1000.0), micros(h.getValueAtPercentile(99) / 1000.0)));
            i++;
        }
        s.append("</svg>\n");
        Files.writeString(file, s, StandardCharsets.UTF_8);
    }

    private static String percentLabel(int nines) {
        StringBuilder p = new StringBuilder("9");
        if (nines >= 2)
            p.append('9');
        if (nines >= 3)
            p.append('.').append("9".repeat(nines - 2));
        else if (nines == 1)
            p.append('0');
        return p + "%";
    }

    static String micros(double us) {
        if (us >= 1_000_000)
            return String.format(Locale.ROOT, "%.1f s", us / 1_000_000);
        if (us >= 10_000)
            return String.format(Locale.ROOT, "%.0f ms", us / 1000);
        if (us >= 1000)
            return String.format(Locale.ROOT, "%.1f ms", us / 1000);
        if (us >= 10)
            return String.format(Locale.ROOT, "%.0f µs", us);
        return String.format(Locale.ROOT, "%.1f µs", us);
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
