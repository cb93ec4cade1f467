package io.bulwark.bft.core;

/** What a {@link ClientCore} asks its driver to do: send, arm its retransmission timer, report a result. */
public sealed interface ClientAction extends Action permits Action.Send, Action.Multicast, Action.SetTimer, ClientAction.Complete,
        ClientAction.SendNewKey {

    /** The request with {@code timestamp} completed with a certified {@code result}. */
    record Complete(long timestamp, byte[] result) implements ClientAction {}

    /** Send this client's current NEW-KEY (the driver holds it: it is signed by the co-processor) to replica {@code replica} again. */
    record SendNewKey(int replica) implements ClientAction {}
}
