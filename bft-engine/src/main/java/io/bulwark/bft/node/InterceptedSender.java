package io.bulwark.bft.node;

import io.bulwark.bft.msg.Message;
import io.bulwark.bft.net.EventLoop;
import io.bulwark.bft.net.Transport;
import java.util.function.BooleanSupplier;

/**
 * How a node (replica or client) sends what its core asks, through its {@link OutboundInterceptor}:
 * sealed with the node's keys (a multicast once, with one authenticator for all receivers), then
 * sent, dropped or delayed as the interceptor decides. Also the {@link Outlet} through which the
 * interceptor sends messages of its own. Runs on the node's event loop.
 */
final class InterceptedSender {
    private final int id;
    private final int replicas;
    private final EventLoop loop;
    private final Transport toReplicas, toClients;
    private final Endpoint endpoint;
    private final OutboundInterceptor outbound;
    /** The replica a multicast reaches last (-1: none): see {@link #sendToLastInMulticasts}. */
    private java.util.function.IntSupplier lastInMulticasts = () -> -1;

    InterceptedSender(int id, int replicas, EventLoop loop, Transport transport, Endpoint endpoint, OutboundInterceptor outbound) {
        this(id, replicas, loop, transport, transport, endpoint, outbound);
    }

    /** A replica whose replica traffic has a transport of its own ({@code toReplicas}; issue 15). */
    InterceptedSender(int id, int replicas, EventLoop loop, Transport toReplicas, Transport toClients, Endpoint endpoint, OutboundInterceptor outbound) {
        this.id = id;
        this.replicas = replicas;
        this.loop = loop;
        this.toReplicas = toReplicas;
        this.toClients = toClients;
        this.endpoint = endpoint;
        this.outbound = outbound;
    }

    /** Seals {@code m} for {@code to} (a principal, or {@link OutboundInterceptor#MULTICAST}) and sends it, as the interceptor decides. */
    void send(int to, Message m) {
        OutboundDecision d = outbound.onSend(m, to);
        if (d instanceof OutboundDecision.Drop) return;
        byte[] frame = outbound.onSealed(m, to == OutboundInterceptor.MULTICAST ? endpoint.sealMulticast(m) : endpoint.sealTo(to, m));
        Runnable go = to == OutboundInterceptor.MULTICAST ? () -> multicast(frame) : () -> transportTo(to).send(to, frame);
        if (d instanceof OutboundDecision.Delay delay) loop.schedule(delay.delayNanos(), go);
        else go.run();
    }

    /**
     * A client's multicasts reach the replica {@code last} names (the primary it believes in) after
     * the others: the primary's pre-prepare that names a large request by digest then finds the
     * backups holding the request, rather than waiting for it (issue 16 item 2).
     */
    void sendToLastInMulticasts(java.util.function.IntSupplier last) { this.lastInMulticasts = last; }

    /** To every replica but this node (a client is never one of them). */
    private void multicast(byte[] frame) {
        int last = lastInMulticasts.getAsInt();
        for (int j = 0; j < replicas; j++) if (j != id && j != last) toReplicas.send(j, frame);
        if (last >= 0 && last < replicas && last != id) toReplicas.send(last, frame);
    }

    private Transport transportTo(int principal) { return principal < replicas ? toReplicas : toClients; }

    /** The interceptor's own way out; its sends do nothing once {@code closed} holds or the loop is gone. */
    Outlet outlet(BooleanSupplier closed) {
        return new Outlet() {
            @Override public int self() { return id; }

            @Override public int replicas() { return replicas; }

            @Override public void send(int to, Message message) {
                onLoop(() -> transportTo(to).send(to, outbound.onSealed(message, endpoint.sealTo(to, message))));
            }

            @Override public void multicast(Message message) {
                onLoop(() -> InterceptedSender.this.multicast(outbound.onSealed(message, endpoint.sealMulticast(message))));
            }

            private void onLoop(Runnable r) {
                if (closed.getAsBoolean()) return;
                try {
                    loop.execute(r);
                } catch (RuntimeException loopClosed) {
                    // the node is stopping
                }
            }
        };
    }
}
