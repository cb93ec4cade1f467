package io.bulwark.bft.sim.adversary;

import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.Reply;
import io.bulwark.bft.msg.Request;
import io.bulwark.bft.service.KvOps;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * A client that does not follow the client protocol, driven by simulated time rather than by a
 * {@code ClientCore}. It works mostly on keys of its own ({@code "z<id>.<i>"}, which no correct
 * client reads), and now and then writes a shared key: such writes are recorded as pending writes
 * (they may take effect at any point after they are sent, or never), so the correct clients'
 * history stays checkable while a Byzantine client's effects reach it. Its own reads are not checked.
 */
public abstract class ByzantineClient {
    /** At most this many writes to shared keys per client: each pending write widens the linearizability search. */
    static final int MAX_SHARED_WRITES = 4;

    protected final ClientPort port;
    protected final int n;
    protected final int f;
    private final long[] lastView;
    private long counter;
    private int sharedWrites;
    protected long timestamp;
    protected long sent;

    protected ByzantineClient(ClientPort port) {
        this.port = port;
        this.n = port.config().n();
        this.f = port.config().f();
        this.lastView = new long[n];
    }

    /** Begins after {@code delayUs}. */
    public final void start(long delayUs) { port.after(delayUs, this::step); }

    /** One step of the attack; schedules the next one while the run goes on. */
    protected abstract void step();

    /** Requests sent so far. */
    public long sent() { return sent; }

    /** Authenticated messages for this client (replies): only used to follow the view. */
    public void receive(int from, Message m) {
        if (m instanceof Reply r && from >= 0 && from < n && r.replica() == from) lastView[from] = Math.max(lastView[from], r.view());
    }

    /** The view at least f+1 replicas have shown in replies, hence at least one correct replica is in. */
    protected long view() {
        long[] v = lastView.clone();
        java.util.Arrays.sort(v);
        return v[n - f - 1];
    }

    protected int primary() { return port.config().primaryOf(view()); }

    /** A write (to a shared key now and then, recorded) or a read of a key of this client's own. */
    protected byte[] operation() {
        var rnd = port.random();
        if (sharedWrites < MAX_SHARED_WRITES && rnd.nextInt(16) == 0) {
            sharedWrites++;
            int key = rnd.nextInt(port.sharedKeys());
            long value = ((long) port.self() << 32) | ++counter;
            port.recordWrite(key, value);
            return KvOps.put(("k" + key).getBytes(StandardCharsets.UTF_8), ByteBuffer.allocate(8).putLong(value).array());
        }
        byte[] own = ("z" + port.self() + "." + rnd.nextInt(4)).getBytes(StandardCharsets.UTF_8);
        if (rnd.nextInt(4) == 0) return KvOps.get(own);
        return KvOps.put(own, ByteBuffer.allocate(8).putLong(((long) port.self() << 32) | ++counter).array());
    }

    protected Request request(long ts, byte[] op, boolean readOnly) {
        return new Request(port.self(), ts, readOnly, Request.ALL_REPLY, op, null);
    }

    /** Sends to every replica, each with an authenticator valid everywhere. */
    protected void sendAll(Request r) {
        for (int j = 0; j < n; j++) port.send(j, r);
        sent++;
    }
}
