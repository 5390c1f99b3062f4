package io.hypergrad.driver.cli;

/** Entry point of the hypergrad command line. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("hypergrad");
    }
}
