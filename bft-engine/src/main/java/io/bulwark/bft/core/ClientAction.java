package io.bulwark.bft.core;

/** What a {@link ClientCore} asks its driver to do: send, arm its retransmission timer, report a result. */
public sealed interface ClientAction extends Action permits Action.Send, Action.Multicast, Action.SetTimer, ClientAction.Complete {

    /** The request with {@code timestamp} completed with a certified {@code result}. */
    record Complete(long timestamp, byte[] result) implements ClientAction {}
}
