package io.bulwark.jakarta.tck;

import ee.jakarta.tck.data.standalone.signature.SignatureTests;

/** The TCK's signature test in standalone mode: the jakarta.data-api on the class path against the TCK's signature file. */
public class BulwarkSignatureTests extends SignatureTests {
}
