package dev.totem.simulator.check;

/**
 * One broken property.
 *
 * @param property the property's name, e.g. "virtual-synchrony"
 * @param detail what was seen, with node ids and message ids
 */
public record Violation(String property, String detail) {
    @Override
    public String toString() {
        return property + ": " + detail;
    }
}
