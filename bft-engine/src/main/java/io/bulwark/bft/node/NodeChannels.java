package io.bulwark.bft.node;

import io.bulwark.bft.net.Connection;
import io.bulwark.bft.net.Transport;

/** Carries out a {@link ChannelVerdict} other than Deliver on a transport connection (replica and client runtimes alike). */
final class NodeChannels {
    private NodeChannels() {}

    /** Returns true if the connection was bound to a principal. */
    static boolean apply(Transport transport, Connection conn, ChannelVerdict v) {
        if (v instanceof ChannelVerdict.Reply r) {
            transport.send(conn, r.frame());
        } else if (v instanceof ChannelVerdict.Bind b) {
            if (b.first() != null) transport.send(conn, b.first());   // the proof goes before anything routed after it
            return transport.bind(b.principal(), conn);
        } else if (v instanceof ChannelVerdict.Close) {
            conn.close();
        }
        return false;
    }
}
