package dev.totem.simulator;

/**
 * Behaviour of one simulated network. Each copy of a frame (one per receiver of a multicast)
 * draws its own loss, duplication and latency.
 *
 * @param latency the latency of each copy
 * @param lossProbability chance that a copy is lost, in [0, 1]
 * @param duplicateProbability chance that a copy arrives twice (the second with its own latency), in [0, 1]
 * @param extraDelayProbability chance that a copy is held back by an extra delay, in [0, 1]
 * @param extraDelayMaxNanos the extra delay is uniform in [0, extraDelayMaxNanos]
 * @param mtuBytes frames larger than this are dropped at the sender and counted
 */
public record NetworkConfig(LatencyModel latency, double lossProbability, double duplicateProbability,
        double extraDelayProbability, long extraDelayMaxNanos, int mtuBytes) {

    /** Large enough for any frame the engine builds by default; lower it to test fragmentation. */
    public static final int DEFAULT_MTU_BYTES = 65_535;

    /** Validates every field. */
    public NetworkConfig {
        if (latency == null) {
            throw new IllegalArgumentException("latency is null");
        }
        requireProbability("lossProbability", lossProbability);
        requireProbability("duplicateProbability", duplicateProbability);
        requireProbability("extraDelayProbability", extraDelayProbability);
        if (extraDelayMaxNanos < 0) {
            throw new IllegalArgumentException("extraDelayMaxNanos must not be negative: " + extraDelayMaxNanos);
        }
        if (mtuBytes < 1) {
            throw new IllegalArgumentException("mtuBytes must be positive: " + mtuBytes);
        }
    }

    /** A LAN-like network: 50 µs plus exponential jitter of mean 20 µs, no loss, MTU 65535. */
    public static NetworkConfig defaults() {
        return new NetworkConfig(LatencyModel.exponential(50_000, 20_000), 0, 0, 0, 0, DEFAULT_MTU_BYTES);
    }

    /** This config with another latency model. */
    public NetworkConfig withLatency(LatencyModel value) {
        return new NetworkConfig(value, lossProbability, duplicateProbability, extraDelayProbability, extraDelayMaxNanos, mtuBytes);
    }

    /** This config with another loss probability. */
    public NetworkConfig withLossProbability(double value) {
        return new NetworkConfig(latency, value, duplicateProbability, extraDelayProbability, extraDelayMaxNanos, mtuBytes);
    }

    /** This config with another duplication probability. */
    public NetworkConfig withDuplicateProbability(double value) {
        return new NetworkConfig(latency, lossProbability, value, extraDelayProbability, extraDelayMaxNanos, mtuBytes);
    }

    /** This config with copies held back, with {@code probability}, by up to {@code maxNanos} more. */
    public NetworkConfig withExtraDelay(double probability, long maxNanos) {
        return new NetworkConfig(latency, lossProbability, duplicateProbability, probability, maxNanos, mtuBytes);
    }

    /** This config with another MTU. */
    public NetworkConfig withMtuBytes(int value) {
        return new NetworkConfig(latency, lossProbability, duplicateProbability, extraDelayProbability, extraDelayMaxNanos, value);
    }

    private static void requireProbability(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1]: " + value);
        }
    }
}
