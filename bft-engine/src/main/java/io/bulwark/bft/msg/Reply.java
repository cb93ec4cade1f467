package io.bulwark.bft.msg;

/**
 * REPLY (section 4.2) from {@code replica} to {@code client} for the request with {@code timestamp}.
 * With the reply-digest optimization only the designated replier sends the result; the others
 * set {@code digestOnly} and send the result's digest in {@code result}.
 */
public record Reply(long view, long timestamp, int client, int replica, boolean readOnly, boolean digestOnly, byte[] result)
        implements Message {
}
