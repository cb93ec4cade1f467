package io.bulwark.bft.crypto;

/**
 * The session keys of one principal and the MAC computed with them (section 4.1).
 * Replica-replica pairs have one key per direction, chosen by the receiver; a client and a
 * replica share one key for both directions, chosen by the client. Keys arrive in NEW-KEY messages.
 * Implementations are used from one thread (the node's event loop or the simulator).
 */
public interface MacKeys {

    /** This principal. */
    int self();

    /** Length in bytes of one MAC. */
    int tagLength();

    /** True when a key is known for messages from {@link #self()} to {@code peer}. */
    boolean canSendTo(int peer);

    /** True when a key is known for messages from {@code peer} to {@link #self()}. */
    boolean canReceiveFrom(int peer);

    /** Writes the MAC of {@code data[off, off+len)} for a message from self to {@code peer} into {@code out[outOff...]}. */
    void mac(int peer, byte[] data, int off, int len, byte[] out, int outOff);

    /** Checks (in constant time) the MAC at {@code tag[tagOff...]} of a message from {@code peer} to self. */
    boolean verify(int peer, byte[] data, int off, int len, byte[] tag, int tagOff);
}
