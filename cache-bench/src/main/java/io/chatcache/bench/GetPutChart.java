package io.chatcache.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Draws the GetPut throughputs from JMH's JSON results ({@code -rf json}) as a grouped bar chart, PNG: one group
 * per workload and thread count, one bar per cache, in millions of operations per second, with the error bars
 * JMH reports. Uses only the JDK (headless AWT and ImageIO).
 *
 * <pre>{@code
 * java -cp cache-bench/target/benchmarks.jar io.chatcache.bench.GetPutChart getput.json cache-bench/getput.png
 * }</pre>
 */
public final class GetPutChart {

    private static final List<String> WORKLOADS = List.of("read_only", "readwrite", "write_only");
    private static final List<String> CACHES = List.of("chatcache-lru", "caffeine", "chm", "lhm-sync");
    private static final Color[] COLORS = {
        new Color(0xD9, 0x5F, 0x02), new Color(0x1B, 0x9E, 0x77), new Color(0x75, 0x70, 0xB3), new Color(0x99, 0x99, 0x99)
    };

    private GetPutChart() {
    }

    /**
     * Reads the JSON results and writes the chart.
     *
     * @param args the JMH JSON file (one or more runs, for example {@code -t 1} and {@code -t 2}, each its own
     *     file), then the PNG to write, last
     */
    public static void main(String[] args) throws IOException {
        System.setProperty("java.awt.headless", "true");
        if (args.length < 2) {
            throw new IllegalArgumentException("usage: GetPutChart RESULT.json [MORE.json ...] OUT.png");
        }
        Map<String, double[]> scores = new LinkedHashMap<>();
        ObjectMapper mapper = new ObjectMapper();
        for (int i = 0; i < args.length - 1; i++) {
            JsonNode results = mapper.readTree(Path.of(args[i]).toFile());
            for (JsonNode result : results) {
                String benchmark = result.path("benchmark").asText();
                if (!benchmark.contains("GetPutBenchmark.")) {
                    continue;
                }
                String workload = benchmark.substring(benchmark.lastIndexOf('.') + 1);
                String cache = result.path("params").path("cache").asText();
                int threads = result.path("threads").asInt();
                JsonNode metric = result.path("primaryMetric");
                double error = metric.path("scoreError").asDouble();
                scores.put(workload + "/" + threads + "/" + cache,
                        new double[] {metric.path("score").asDouble(), Double.isNaN(error) ? 0 : error});
            }
        }
        if (scores.isEmpty()) {
            throw new IllegalArgumentException("no GetPutBenchmark results in " + List.of(args).subList(0, args.length - 1));
        }
        Path out = Path.of(args[args.length - 1]);
        write(draw(scores), out);
        System.out.println("wrote " + out.toAbsolutePath() + " from " + scores.size() + " results");
    }

    private static BufferedImage draw(Map<String, double[]> scores) {
        List<String> groups = new ArrayList<>();
        for (String workload : WORKLOADS) {
            for (int threads = 1; threads <= 64; threads++) {
                String prefix = workload + "/" + threads + "/";
                if (scores.keySet().stream().anyMatch(k -> k.startsWith(prefix))) {
                    groups.add(workload + "/" + threads);
                }
            }
        }
        double max = scores.values().stream().mapToDouble(s -> s[0] + s[1]).max().orElse(1) / 1e6;
        double top = niceCeiling(max);

        int width = 220 + groups.size() * 170;
        int height = 560;
        int left = 90;
        int right = 200;
        int topMargin = 60;
        int bottom = 90;
        int plotWidth = width - left - right;
        int plotHeight = height - topMargin - bottom;

        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, width, height);

        g.setColor(Color.BLACK);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 17));
        g.drawString("GetPutBenchmark throughput (higher is better)", left, 30);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        g.drawString("millions of operations per second", left, topMargin - 10);

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
        FontMetrics metrics = g.getFontMetrics();
        int ticks = 5;
        for (int t = 0; t <= ticks; t++) {
            double value = top * t / ticks;
            int y = topMargin + plotHeight - (int) Math.round(plotHeight * value / top);
            g.setColor(new Color(0xE0, 0xE0, 0xE0));
            g.drawLine(left, y, left + plotWidth, y);
            g.setColor(Color.DARK_GRAY);
            String label = String.format(Locale.ROOT, "%.0f", value);
            g.drawString(label, left - 8 - metrics.stringWidth(label), y + 4);
        }
        g.setColor(Color.BLACK);
        g.drawLine(left, topMargin, left, topMargin + plotHeight);
        g.drawLine(left, topMargin + plotHeight, left + plotWidth, topMargin + plotHeight);

        int groupWidth = plotWidth / Math.max(1, groups.size());
        int barWidth = (groupWidth - 30) / CACHES.size();
        for (int gi = 0; gi < groups.size(); gi++) {
            String group = groups.get(gi);
            int groupLeft = left + gi * groupWidth + 15;
            for (int ci = 0; ci < CACHES.size(); ci++) {
                double[] score = scores.get(group + "/" + CACHES.get(ci));
                if (score == null) {
                    continue;
                }
                double millions = score[0] / 1e6;
                int barHeight = (int) Math.round(plotHeight * millions / top);
                int x = groupLeft + ci * barWidth;
                int y = topMargin + plotHeight - barHeight;
                g.setColor(COLORS[ci]);
                g.fillRect(x, y, barWidth - 4, barHeight);
                if (score[1] > 0) {
                    int errorPixels = (int) Math.round(plotHeight * score[1] / 1e6 / top);
                    int centre = x + (barWidth - 4) / 2;
                    g.setColor(Color.BLACK);
                    g.setStroke(new BasicStroke(1));
                    g.drawLine(centre, y - errorPixels, centre, y + errorPixels);
                    g.drawLine(centre - 3, y - errorPixels, centre + 3, y - errorPixels);
                    g.drawLine(centre - 3, y + errorPixels, centre + 3, y + errorPixels);
                }
                g.setColor(Color.BLACK);
                g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 10));
                String value = String.format(Locale.ROOT, millions >= 10 ? "%.0f" : "%.1f", millions);
                g.drawString(value, x + (barWidth - 4 - g.getFontMetrics().stringWidth(value)) / 2, y - 4);
            }
            g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
            String[] parts = group.split("/");
            String label = parts[0] + ", " + parts[1] + (parts[1].equals("1") ? " thread" : " threads");
            g.drawString(label, groupLeft + (groupWidth - 30 - g.getFontMetrics().stringWidth(label)) / 2,
                    topMargin + plotHeight + 22);
        }

        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 13));
        int legendX = left + plotWidth + 30;
        for (int ci = 0; ci < CACHES.size(); ci++) {
            int y = topMargin + 20 + ci * 26;
            g.setColor(COLORS[ci]);
            g.fillRect(legendX, y - 12, 16, 16);
            g.setColor(Color.BLACK);
            g.drawString(CACHES.get(ci) + (CACHES.get(ci).equals("chm") ? " (unbounded)" : ""), legendX + 24, y + 1);
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.ITALIC, 12));
        g.drawString("Bars: mean of the measured iterations; whiskers: JMH's 99.9% confidence interval.",
                left, height - 30);
        g.dispose();
        return image;
    }

    private static double niceCeiling(double value) {
        double magnitude = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * magnitude >= value) {
                return step * magnitude;
            }
        }
        return 10 * magnitude;
    }

    private static void write(BufferedImage image, Path out) {
        try {
            Path parent = out.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            if (!ImageIO.write(image, "png", out.toFile())) {
                throw new IllegalStateException("no PNG writer in this JDK");
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + out, e);
        }
    }
}
