package io.bulwark.bft.net;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.TrustManager;

/**
 * TLS 1.3 for a {@link Transport} (issue 20): this principal's TLS key in a self-signed
 * certificate, and the keys of every principal pinned ({@link PinnedTrustManager}). Both ends
 * authenticate (the acceptor requires a client certificate); a connection whose handshake
 * completes is bound to the principal whose pinned key the peer proved it holds.
 *
 * <p>What it protects: confidentiality and integrity of every frame on the wire (a bank's requests
 * and replies are not readable), and who is on a connection. The paper's MAC authenticators
 * (section 4.1) stay inside: backups still check clients' MACs in pre-prepares, which TLS between
 * two replicas cannot prove.
 */
public final class TransportTls {
    private static final String PEER_HOST_PREFIX = "bulwark-principal-";
    private static final String PROTOCOL = "TLSv1.3";

    private final int self;
    private final SSLContext context;
    private final PinnedTrustManager trust;

    /**
     * @param self   this principal
     * @param keys   its TLS key pair (EC P-256)
     * @param pinned every principal's TLS public key (X.509 encoding), by principal id
     */
    public TransportTls(int self, KeyPair keys, Map<Integer, byte[]> pinned, SecureRandom random) {
        this(self, keys, pinned, p -> true, random);
    }

    /**
     * As above; a connection this side accepts completes its handshake only if the key it proves is
     * the pinned key of a principal {@code admitted} accepts (issue 15: on a replica's peer listener,
     * replicas only; on its client listener, clients only). Any other pinned key fails the handshake
     * (counted as {@link TransportStats#tlsNotAdmitted}).
     */
    public TransportTls(int self, KeyPair keys, Map<Integer, byte[]> pinned, java.util.function.IntPredicate admitted, SecureRandom random) {
        this.self = self;
        Map<ByteBuffer, Integer> byKey = new HashMap<>();
        for (Map.Entry<Integer, byte[]> e : pinned.entrySet()) {
            Integer other = byKey.putIfAbsent(ByteBuffer.wrap(e.getValue().clone()), e.getKey());
            if (other != null) throw new IllegalArgumentException("principals " + other + " and " + e.getKey() + " pin the same TLS key");
        }
        this.trust = new PinnedTrustManager(byKey, java.util.Objects.requireNonNull(admitted));
        try {
            X509Certificate cert = SelfSignedCertificate.create(keys, self);
            char[] pw = new char[0];
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(null, null);
            ks.setKeyEntry("self", keys.getPrivate(), pw, new Certificate[] {cert});
            KeyManagerFactory kmf = KeyManagerFactory.getInstance("SunX509");
            kmf.init(ks, pw);
            this.context = SSLContext.getInstance(PROTOCOL);
            context.init(kmf.getKeyManagers(), new TrustManager[] {trust}, random);
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot set up TLS: " + e, e);
        }
    }

    public int self() { return self; }

    /**
     * The SSL context with this principal's key and the pinned keys, for tools and tests that speak
     * to a transport over a blocking {@code SSLSocket} (which then accepts any pinned peer).
     */
    public SSLContext sslContext() { return context; }

    /** Room a TLS record needs when unwrapped. */
    int applicationBufferSize() { return context.createSSLEngine().getSession().getApplicationBufferSize(); }

    /** An engine for a connection we dial to {@code peer}: only {@code peer}'s pinned key is accepted. */
    SSLEngine dialerEngine(int peer) {
        // The peer host names whom we dialed, for the trust manager; no SNI is sent.
        SSLEngine e = context.createSSLEngine(PEER_HOST_PREFIX + peer, 0);
        e.setUseClientMode(true);
        configure(e);
        return e;
    }

    /** An engine for a connection we accepted: any configured principal's key is accepted, and a certificate is required. */
    SSLEngine acceptorEngine() {
        SSLEngine e = context.createSSLEngine();
        e.setUseClientMode(false);
        configure(e);
        e.setNeedClientAuth(true);
        return e;
    }

    private static void configure(SSLEngine e) {
        SSLParameters p = e.getSSLParameters();
        p.setProtocols(new String[] {PROTOCOL});
        p.setServerNames(List.of());
        p.setEndpointIdentificationAlgorithm(null);   // no host names: the key is the identity
        e.setSSLParameters(p);
    }

    /** The principal the handshake of {@code engine} authenticated, or -1. */
    int peerOf(SSLEngine engine) {
        try {
            Certificate[] chain = engine.getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate x ? trust.principalOf(x) : -1;
        } catch (SSLPeerUnverifiedException e) {
            return -1;
        }
    }

    /** The principal a dialer's engine was made for, or -1 (an acceptor's). */
    static int expectedPeer(SSLEngine engine) {
        String host = engine == null ? null : engine.getPeerHost();
        if (host == null || !host.startsWith(PEER_HOST_PREFIX)) return -1;
        try {
            return Integer.parseInt(host.substring(PEER_HOST_PREFIX.length()));
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
