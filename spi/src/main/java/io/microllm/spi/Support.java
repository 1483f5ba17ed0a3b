package io.microllm.spi;

/** A backend's answer to "can you run this op": yes, or no with the reason shown in the support matrix. */
public record Support(boolean supported, String reason) {
    public static final Support YES = new Support(true, "");

    public static Support no(String reason) { return new Support(false, reason); }
}
