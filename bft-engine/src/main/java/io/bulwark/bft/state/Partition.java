package io.bulwark.bft.state;

import io.bulwark.bft.crypto.Digest;

/**
 * One partition's entry in a checkpoint's tree (section 4.6.2): {@code lm}, the checkpoint at the
 * end of the last interval in which the partition was modified, and its digest.
 */
public record Partition(long lm, Digest digest) {}
