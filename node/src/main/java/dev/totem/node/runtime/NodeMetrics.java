package dev.totem.node.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.totem.node.runtime.NodeCounters.Snapshot;
import dev.totem.node.runtime.NodeCounters.Stat;
import dev.totem.protocol.wire.DecodeStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The node's Micrometer meters, in a Prometheus registry, and the optional HTTP endpoint that
 * serves them.
 *
 * <p>Thread safety: counters and gauges read an immutable {@link Snapshot} through a volatile
 * field, which the event loop replaces once a second; a scrape on the HTTP thread therefore never
 * touches engine state, and sees numbers at most a second old. Only the delivery latency timer
 * is recorded directly (Micrometer timers are thread safe).
 */
final class NodeMetrics {
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final Timer deliveryLatency;
    private volatile Snapshot snapshot;
    private volatile double tokenRotationsPerSecond;
    private volatile double retransmitsPerSecond;
    private HttpServer http;

    NodeMetrics(int nodeId, Snapshot initial) {
        this.snapshot = initial;
        registry.config().commonTags("node", Integer.toString(nodeId));
        for (Stat stat : Stat.ALL) {
            Tags tags = Tags.of(stat.tags);
            if (stat.metricName.startsWith("totem.network.")) {
                tags = tags.and("network", UdpNetwork.NAME);
            }
            if (stat.kind == NodeCounters.Kind.COUNTER) {
                FunctionCounter.builder(stat.metricName, this, m -> m.snapshot.get(stat))
                        .description(stat.description).tags(tags).register(registry);
            } else {
                Gauge.builder(stat.metricName, this, m -> m.snapshot.get(stat))
                        .description(stat.description).tags(tags).register(registry);
            }
        }
        for (DecodeStatus reason : DecodeStatus.values()) {
            if (reason != DecodeStatus.OK) {
                FunctionCounter.builder("totem.frames.rejected", this, m -> m.snapshot.rejected()[reason.ordinal()])
                        .description("Frames the engine rejected, by reason")
                        .tag("reason", reason.name().toLowerCase(Locale.ROOT)).register(registry);
            }
        }
        Gauge.builder("totem.token.rotations.per.second", this, m -> m.tokenRotationsPerSecond)
                .description("Token rotations in the last second").register(registry);
        Gauge.builder("totem.frames.retransmitted.per.second", this, m -> m.retransmitsPerSecond)
                .description("Frames retransmitted in the last second").register(registry);
        deliveryLatency = Timer.builder("totem.delivery.latency")
                .description("From the send stamp to delivery, for payloads that carry a DeliveryStamp")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofNanos(50_000))
                .maximumExpectedValue(Duration.ofSeconds(10))
                .register(registry);
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Publishes the loop's latest numbers; returns the frames retransmitted per second since the last one. */
    double publish(Snapshot next) {
        Snapshot previous = snapshot;
        double seconds = (next.nanoTime() - previous.nanoTime()) / 1e9;
        if (seconds > 0) {
            tokenRotationsPerSecond = (next.get(Stat.TOKEN_ROTATIONS) - previous.get(Stat.TOKEN_ROTATIONS)) / seconds;
            retransmitsPerSecond = (next.get(Stat.FRAMES_RETRANSMITTED) - previous.get(Stat.FRAMES_RETRANSMITTED))
                    / seconds;
        }
        snapshot = next;
        return retransmitsPerSecond;
    }

    void recordLatency(long micros) {
        deliveryLatency.record(micros, TimeUnit.MICROSECONDS);
    }

    /**
     * Serves {@code GET /metrics} in the Prometheus text format on 127.0.0.1:{@code port}, on
     * the HTTP server's own thread.
     *
     * @return the bound address (port 0 picks one)
     */
    InetSocketAddress serve(int port) throws IOException {
        http = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), 16);
        http.createContext("/metrics", this::handle);
        http.start();
        return http.getAddress();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (!"GET".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            byte[] body = registry.scrape().getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            exchange.sendResponseHeaders(200, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        }
    }

    /** Stops the HTTP server; idempotent. */
    void stop() {
        HttpServer h = http;
        http = null;
        if (h != null) {
            h.stop(0);
        }
    }
}
