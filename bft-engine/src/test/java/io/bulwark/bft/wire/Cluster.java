package io.bulwark.bft.wire;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.crypto.MacKeys;
import io.bulwark.bft.msg.CodecLimits;
import io.bulwark.bft.msg.Message;
import io.bulwark.bft.msg.MessageCodec;
import io.bulwark.bft.msg.RandomMessages;
import io.bulwark.bft.msg.Request;
import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;

/** Test fixture: n = 4 replicas (f = 1), clients 4 and 5, one Wire per principal, 16-byte HMAC tags. */
final class Cluster {
    static final int N = 4;
    static final int CLIENT = 4;
    static final int OTHER_CLIENT = 5;
    static final CodecLimits LIMITS = CodecLimits.of(ProtocolConfig.defaults(1), 16);

    private final Map<Integer, Wire> wires = new HashMap<>();
    final RandomMessages gen;

    Cluster(long seed) { gen = new RandomMessages(new SplittableRandom(seed), LIMITS); }

    Wire wire(int principal) { return wires.computeIfAbsent(principal, p -> new Wire(keys(p), N, LIMITS)); }

    static TestMacKeys keys(int principal) { return new TestMacKeys(principal, N); }

    /** A request with a valid authenticator from {@code client}'s keys. */
    Request authedRequest(int client) {
        Request r = gen.request(client, 30);
        return authenticate(r, keys(client));
    }

    static Request authenticate(Request r, MacKeys clientKeys) {
        byte[] body = MessageCodec.requestBody(r);
        byte[] auth = new byte[LIMITS.requestAuthBytes()];
        for (int j = 0; j < N; j++) clientKeys.mac(j, body, 0, body.length, auth, j * clientKeys.tagLength());
        return r.withAuth(auth);
    }

    /** A frame built by hand: any header, any body bytes, authenticated with {@code signer}'s keys. */
    static byte[] forgeRaw(int type, int headerSender, AuthKind kind, byte[] body, int receiver, MacKeys signer) {
        int macLen = Frame.HEADER_BYTES + body.length;
        byte[] out = new byte[macLen + Frame.trailerBytes(kind, N, signer.tagLength())];
        Frame.writeHeader(out, type, headerSender, kind);
        System.arraycopy(body, 0, out, Frame.HEADER_BYTES, body.length);
        if (kind == AuthKind.MAC) {
            signer.mac(receiver, out, 0, macLen, out, macLen);
        } else if (kind == AuthKind.AUTHENTICATOR) {
            out[macLen] = (byte) N;
            for (int j = 0; j < N; j++)
                if (j != signer.self()) signer.mac(j, out, 0, macLen, out, macLen + 1 + j * signer.tagLength());
        }
        return out;
    }

    static byte[] forge(Message m, int headerSender, AuthKind kind, int receiver, MacKeys signer) {
        byte[] body = new byte[MessageCodec.bodySize(m)];
        MessageCodec.writeBody(m, body, 0);
        return forgeRaw(MessageCodec.typeOf(m), headerSender, kind, body, receiver, signer);
    }
}
