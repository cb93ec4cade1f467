package io.bulwark.jakarta.host;

/** The application cannot be run by a replica: the message says what to change. */
public final class HostException extends RuntimeException {
    public HostException(String message) { super(message); }

    public HostException(String message, Throwable cause) { super(message, cause); }
}
