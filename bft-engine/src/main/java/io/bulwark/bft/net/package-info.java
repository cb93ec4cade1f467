/**
 * The transport: non-blocking TCP on loopback or LAN, 4-byte length-prefixed opaque frames,
 * one {@link io.bulwark.bft.net.EventLoop} thread per process.
 *
 * <p>Everything of a process — selector, timers, submitted tasks, the transport, and the
 * protocol core stepped from {@link io.bulwark.bft.net.FrameHandler} callbacks — runs on the
 * loop thread, so a message is never handed between threads. Sends made during one loop
 * iteration are coalesced and written at its end. Every queue and buffer is bounded
 * (DESIGN principle 3): frames above the maximum or with a length ≤ 0 close the connection
 * before anything is allocated; a full outbound queue drops (and counts) instead of blocking.
 * Frames are already authenticated/encoded by the layer above; the transport frames them and, with a
 * {@link io.bulwark.bft.net.TransportTls}, carries them in TLS 1.3 with both ends authenticated by keys
 * pinned in {@code cluster.conf} (issue 20), binding each connection to the principal its handshake proved.
 */
package io.bulwark.bft.net;
