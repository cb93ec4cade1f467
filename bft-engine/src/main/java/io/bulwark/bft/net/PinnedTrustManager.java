package io.bulwark.bft.net;

import java.net.Socket;
import java.nio.ByteBuffer;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.Map;
import java.util.function.IntPredicate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * Trusts a TLS peer only by its key (issue 20): the public key of the certificate it presents must
 * equal a key pinned in {@code cluster.conf}. No CA, no names, no dates. A dialer accepts only the
 * key of the principal it dialed (named in the engine's peer host, {@link TransportTls#dialerEngine});
 * an acceptor accepts the key of any configured principal admitted on its listener (issue 15: a
 * replica's peer listener admits only replicas), and the connection is then that principal's.
 * The handshake's CertificateVerify proves the peer holds the private key, on this very
 * connection (RFC 8446 section 4.4.3): that is the channel binding.
 */
final class PinnedTrustManager extends X509ExtendedTrustManager {
    /** A certificate whose key is not pinned, or is another principal's than the one dialed. */
    static final class UnpinnedKeyException extends CertificateException {
        UnpinnedKeyException(String message) { super(message); }
    }

    /**
     * A pinned key whose principal is not admitted on connections this side accepts (issue 15: a
     * client's key on a replica's peer listener, a replica's on its client listener).
     */
    static final class NotAdmittedException extends CertificateException {
        NotAdmittedException(String message) { super(message); }
    }

    private final Map<ByteBuffer, Integer> pinned;   // encoded public key -> principal
    private final IntPredicate admitted;             // who may be on a connection we accept

    PinnedTrustManager(Map<ByteBuffer, Integer> pinned, IntPredicate admitted) {
        this.pinned = Map.copyOf(pinned);
        this.admitted = admitted;
    }

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

    /** An acceptor's check: a pinned key, of a principal admitted here. */
    private void checkAccepted(X509Certificate[] chain) throws CertificateException {
        check(chain, -1);
        int p = principalOf(chain[0]);
        if (!admitted.test(p)) throw new NotAdmittedException("the key of principal " + p + ", who is not admitted on this listener");
    }

    @Override public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        checkAccepted(chain);
    }

    @Override public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
        check(chain, TransportTls.expectedPeer(engine));
    }

    // Socket-based variants: the transport only uses engines; a socket peer is held to the same rule.
    @Override public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException { checkAccepted(chain); }
    @Override public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException { check(chain, -1); }
    @Override public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException { checkAccepted(chain); }
    @Override public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException { check(chain, -1); }

    /** No CA is trusted (an empty list also keeps the CertificateRequest small). */
    @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
}
