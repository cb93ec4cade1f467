package io.bulwark.bft.msg;

/**
 * BIND-CHALLENGE: the first frame replica {@code replica} sends on a connection it accepted, a
 * fresh 128-bit random value ({@code hi}, {@code lo}) that names this one connection. Nobody is
 * bound to an accepted connection until it answers with a {@link BindProof} over this value
 * (issue 20: a replayed NEW-KEY proves nothing about who is on a connection). Not authenticated:
 * a forged challenge only makes the dialer's proof fail, which costs it a reconnect. Type code 17.
 */
public record BindChallenge(int replica, long hi, long lo) implements Message {
}
