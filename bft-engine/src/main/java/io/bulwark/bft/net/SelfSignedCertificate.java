package io.bulwark.bft.net;

import java.io.ByteArrayInputStream;
import java.math.BigInteger;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.Signature;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Date;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DERBitString;
import org.bouncycastle.asn1.DERSequence;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.SubjectPublicKeyInfo;
import org.bouncycastle.asn1.x509.TBSCertificate;
import org.bouncycastle.asn1.x509.Time;
import org.bouncycastle.asn1.x509.V3TBSCertificateGenerator;
import org.bouncycastle.asn1.x9.X9ObjectIdentifiers;

/**
 * A self-signed X.509 certificate for a TLS key, made at start. TLS needs a certificate to carry
 * the key; nothing in it but the key is trusted ({@link PinnedTrustManager} compares the key with
 * the one pinned in {@code cluster.conf}; names, dates and the self-signature mean nothing). Built
 * with Bouncy Castle's ASN.1 classes (already a dependency) and signed with the JDK.
 */
final class SelfSignedCertificate {
    private static final long VALIDITY_MS = 100L * 365 * 24 * 3600 * 1000;

    private SelfSignedCertificate() {}

    /** A certificate for {@code keys} (an EC P-256 pair) naming {@code principal}. */
    static X509Certificate create(KeyPair keys, int principal) {
        try {
            AlgorithmIdentifier alg = new AlgorithmIdentifier(X9ObjectIdentifiers.ecdsa_with_SHA256);
            X500Name name = new X500Name("CN=bulwark principal " + principal);
            long now = System.currentTimeMillis();
            V3TBSCertificateGenerator g = new V3TBSCertificateGenerator();
            g.setSerialNumber(new org.bouncycastle.asn1.ASN1Integer(BigInteger.valueOf(now).shiftLeft(16).or(BigInteger.valueOf(principal & 0xffff))));
            g.setIssuer(name);
            g.setSubject(name);
            g.setStartDate(new Time(new Date(now - 24L * 3600 * 1000)));
            g.setEndDate(new Time(new Date(now + VALIDITY_MS)));
            g.setSignature(alg);
            g.setSubjectPublicKeyInfo(SubjectPublicKeyInfo.getInstance(keys.getPublic().getEncoded()));
            TBSCertificate tbs = g.generateTBSCertificate();
            Signature s = Signature.getInstance("SHA256withECDSA");
            s.initSign(keys.getPrivate());
            s.update(tbs.getEncoded(org.bouncycastle.asn1.ASN1Encoding.DER));
            ASN1EncodableVector v = new ASN1EncodableVector();
            v.add(tbs);
            v.add(alg);
            v.add(new DERBitString(s.sign()));
            byte[] der = new DERSequence(v).getEncoded(org.bouncycastle.asn1.ASN1Encoding.DER);
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(new ByteArrayInputStream(der));
        } catch (GeneralSecurityException | java.io.IOException e) {
            throw new IllegalStateException("cannot make a self-signed certificate: " + e, e);
        }
    }
}
