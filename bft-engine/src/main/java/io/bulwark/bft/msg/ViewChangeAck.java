package io.bulwark.bft.msg;

import io.bulwark.bft.crypto.Digest;

/**
 * VIEW-CHANGE-ACK (section 4.5): {@code replica} received from {@code viewChangeSender} a
 * VIEW-CHANGE for {@code view} whose digest is {@code viewChangeDigest}. Sent point-to-point with a
 * MAC, to the new primary (and, on retransmission, to a backup that lacks that view-change), so that
 * a view-change sent by a faulty replica can be vouched for without signatures.
 */
public record ViewChangeAck(long view, int replica, int viewChangeSender, Digest viewChangeDigest) implements Message {
}
