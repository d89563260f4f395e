package dev.totem.node.runtime;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.totem.node.runtime.NodeCounters.Snapshot;
import dev.totem.node.runtime.NodeCounters.Stat;
import dev.totem.protocol.wire.DecodeStatus;
import dev.totem.rrp.NetworkState;
import dev.totem.rrp.NetworkStatus;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

/**
 * The node's Micrometer meters, in a Prometheus registry, and the optional HTTP endpoint that
 * serves them.
 *
 * <p>Thread safety: counters and gauges read an immutable {@link Snapshot} through a volatile
 * field, which the event loop replaces once a second; a scrape on the HTTP thread therefore never
 * touches engine state, and sees numbers at most a second old. Only the delivery latency timer
 * is recorded directly (Micrometer timers are thread safe), against a {@link CoarseWallClock} that
 * each snapshot advances.
 */
final class NodeMetrics {
    private final CoarseWallClock clock = new CoarseWallClock(System::currentTimeMillis);
    private final PrometheusMeterRegistry registry =
            new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), clock);
    private final Timer deliveryLatency;
    private volatile Snapshot snapshot;
    private volatile double tokenRotationsPerSecond;
    private volatile double retransmitsPerSecond;
    private HttpServer http;

    /**
     * @param initial the first numbers; its number of networks is the one every later snapshot has
     */
    NodeMetrics(int nodeId, Snapshot initial) {
        this.snapshot = initial;
        registry.config().commonTags("node", Integer.toString(nodeId));
        for (Stat stat : Stat.ALL) {
            if (!stat.perNetwork()) {
                register(stat, Tags.of(stat.tags), m -> m.snapshot.get(stat));
                continue;
            }
            for (int i = 0; i < initial.networks().length; i++) {
                int network = i;
                register(stat, Tags.of(stat.tags).and("network", NetworkSettings.name(network)),
                        m -> m.snapshot.get(network, stat));
            }
        }
        for (int i = 0; i < initial.rrp().size(); i++) {
            registerRrp(i);
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

    private void register(Stat stat, Tags tags, ToDoubleFunction<NodeMetrics> value) {
        if (stat.kind == NodeCounters.Kind.COUNTER) {
            FunctionCounter.builder(stat.metricName, this, value).description(stat.description).tags(tags).register(registry);
        } else {
            Gauge.builder(stat.metricName, this, value).description(stat.description).tags(tags).register(registry);
        }
    }

    /** The redundant ring's view of network {@code network}: its state, its frames, its faults. */
    private void registerRrp(int network) {
        Tags tags = Tags.of("network", NetworkSettings.name(network));
        Gauge.builder("totem.rrp.network.faulty", this, m -> rrp(m, network).state() == NetworkState.FAULTY ? 1 : 0)
                .description("1 while the redundant ring has the network marked faulty").tags(tags).register(registry);
        rrpCounter("totem.rrp.frames.sent", "Frames put on the network (tokens apart)", tags.and("kind", "frame"), network,
                NetworkStatus::framesSent);
        rrpCounter("totem.rrp.frames.sent", "Frames put on the network (tokens apart)", tags.and("kind", "token"), network,
                NetworkStatus::tokensSent);
        rrpCounter("totem.rrp.frames.received", "Frames from other nodes received on the network",
                tags.and("kind", "frame"), network, NetworkStatus::framesReceived);
        rrpCounter("totem.rrp.frames.received", "Frames from other nodes received on the network",
                tags.and("kind", "token"), network, NetworkStatus::tokensReceived);
        rrpCounter("totem.rrp.probes.sent", "Probes put on the network", tags, network, NetworkStatus::probesSent);
        rrpCounter("totem.rrp.probes.received", "Probes from other nodes received on the network", tags, network,
                NetworkStatus::probesReceived);
        rrpCounter("totem.rrp.duplicates.dropped", "Active mode: copies dropped after the same frame came on another network",
                tags, network, NetworkStatus::duplicatesDropped);
        rrpCounter("totem.rrp.faults", "Times the network was marked faulty", tags, network, NetworkStatus::faults);
    }

    private void rrpCounter(String name, String description, Tags tags, int network, ToDoubleFunction<NetworkStatus> value) {
        FunctionCounter.builder(name, this, m -> value.applyAsDouble(rrp(m, network)))
                .description(description).tags(tags).register(registry);
    }

    private static NetworkStatus rrp(NodeMetrics m, int network) {
        return m.snapshot.rrp().get(network);
    }

    PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Publishes the loop's latest numbers; returns the frames retransmitted per second since the last one. */
    double publish(Snapshot next) {
        clock.advance();
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
