package io.bulwark.store.bench.bank;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;

/** The sample bank as the tests load it: from wherever the build put the module on the test class path (its jar, or its classes directory). */
public final class TestBank {
    private TestBank() {}

    public static Path jar() {
        try {
            return Path.of(Class.forName(SampleBank.SERVICE).getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (ClassNotFoundException | URISyntaxException e) {
            throw new IllegalStateException("the sample bank is not on the test class path", e);
        }
    }

    public static SampleBank load() throws IOException {
        return SampleBank.load(jar());
    }
}
