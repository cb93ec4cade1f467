package io.bulwark.sample.web;

/** The bank cannot serve now (not configured, or the replica group out of reach): HTTP 503 with this message. */
public class UnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnavailableException(String message) { super(message); }
}
