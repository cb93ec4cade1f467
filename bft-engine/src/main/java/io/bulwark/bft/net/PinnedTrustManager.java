package io.bulwark.bft.net;

import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Map;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a TLS peer only by its key (issue 20): the public key of the certificate it presents must
 * equal a key pinned in {@code cluster.conf}. No CA, no names, no dates. A dialer accepts only the
 * key of the principal it dialed (named in the engine's peer host, {@link TransportTls#dialerEngine});
 * an acceptor accepts any configured principal's key, and the connection is then that principal's.
 * The handshake's CertificateVerify proves the peer holds the private key, on this very
 * connection (RFC 8446 section 4.4.3): that is the channel binding.
 */
final class PinnedTrustManager extends X509ExtendedTrustManager {
    /** A certificate whose key is not pinned, or is another principal's than the one dialed. */
    static final class UnpinnedKeyException extends CertificateException {
        UnpinnedKeyException(String message) { super(message); }
    }

    private final Map<ByteBuffer, Integer> pinned;   // encoded public key -> principal

    PinnedTrustManager(Map<ByteBuffer, Integer> pinned) { this.pinned = Map.copyOf(pinned); }

    /** The principal whose pinned key {@code cert} carries, or -1. */
    int principalOf(X509Certificate cert) {
        Integer p = pinned.get(ByteBuffer.wrap(cert.getPublicKey().getEncoded()));
        return p == null ? -1 : p;
    }

    private void check(X509Certificate[] chain, int expected) throws CertificateException {
        if (chain == null || chain.length == 0) throw new UnpinnedKeyException("no certificate");
        int p = principalOf(chain[0]);
        if (p < 0) throw new UnpinnedKeyException("key not pinned in cluster.conf");
        if (expected >= 0 && p != expected)
            throw new UnpinnedKeyException("key of principal " + p + ", dialed principal " + expected);
    }

    @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, -1);
    }

    @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, TransportTls.expectedPeer(engine));
    }

    // Socket-based variants: the transport only uses engines; a socket peer is held to the same rule.
    @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException { check(chain, -1); }
    @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException { check(chain, -1); }
    @Override public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException { check(chain, -1); }
    @Override public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException { check(chain, -1); }

    /** No CA is trusted (an empty list also keeps the CertificateRequest small). */
    @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
}
