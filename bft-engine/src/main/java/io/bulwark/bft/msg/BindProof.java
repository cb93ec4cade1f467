package io.bulwark.bft.msg;

/**
 * BIND-PROOF: principal {@code principal}, which dialed replica {@code acceptor}, answers that
 * connection's {@link BindChallenge} ({@code challengeHi}, {@code challengeLo}) and names a fresh
 * value of its own ({@code nonceHi}, {@code nonceLo}), so the proof covers both ends' connection
 * identifiers. It travels with a single MAC under the session key from {@code principal} to
 * {@code acceptor} (the key its NEW-KEY established; section 4.1), so only the holder of that
 * key can make it, and it binds only the connection whose challenge it names. Type code 18.
 */
public record BindProof(int principal, int acceptor, long challengeHi, long challengeLo, long nonceHi, long nonceLo)
        implements Message {
}
