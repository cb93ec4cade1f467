package io.bulwark.bft.msg;

/**
 * One entry of a {@link PrePrepareByDigest}'s batch: a request carried whole, or a large one named
 * by its digest ({@link RequestRef}), whose body every backup received from its client directly.
 */
public sealed interface BatchEntry permits Request, RequestRef {
    int client();

    long timestamp();
}
