package io.bulwark.bft.msg;

import io.bulwark.bft.crypto.Digest;

/**
 * A large request named, not carried, in a {@link PrePrepareByDigest}: the fields a backup needs to
 * find the copy its client sent it directly, and to compute the batch digest without the operation
 * ({@link Digests#batch} is over request digests).
 *
 * @param digest the request digest ({@link Request#digest()}): client, timestamp, readOnly and operation
 */
public record RequestRef(int client, long timestamp, boolean readOnly, int replier, Digest digest) implements BatchEntry {

    public static RequestRef of(Request q) { return new RequestRef(q.client(), q.timestamp(), q.readOnly(), q.replier(), q.digest()); }

    /**
     * Whether {@code q} is the request this names: every field its client authenticates (the replier
     * too, which a client could otherwise vary between replicas) and the digest of the rest.
     */
    public boolean names(Request q) {
        return q != null && q.client() == client && q.timestamp() == timestamp && q.readOnly() == readOnly
                && q.replier() == replier && q.digest().equals(digest);
    }
}
