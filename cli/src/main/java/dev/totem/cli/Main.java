package dev.totem.cli;

/** Entry point of the {@code ./totem} launcher. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("totem");
    }
}
