package io.bulwark.bft.msg;

import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.crypto.Digests;

/**
 * REQUEST (section 4.2): client c asks for operation o with timestamp t.
 *
 * @param client    the client principal
 * @param timestamp strictly increasing per client; gives exactly-once execution
 * @param readOnly  the read-only optimization: multicast, executed without ordering
 * @param replier   the replica that sends the full result; the others send its digest.
 *                  {@link #ALL_REPLY} asks every replica for the full result (used on retransmission)
 * @param operation the operation bytes, opaque to the engine
 * @param auth      the client's authenticator (one MAC per replica) over every other field;
 *                  it travels with the request into pre-prepares so each backup can check it
 */
public record Request(int client, long timestamp, boolean readOnly, int replier, byte[] operation, byte[] auth)
        implements Message, BatchEntry {
    public static final int ALL_REPLY = -1;

    public Request withAuth(byte[] a) { return new Request(client, timestamp, readOnly, replier, operation, a); }

    /** The request digest ({@link Digests#request}): client, timestamp, readOnly and operation; not replier or auth. */
    public Digest digest() { return Digests.request(client, timestamp, readOnly, operation); }
}
