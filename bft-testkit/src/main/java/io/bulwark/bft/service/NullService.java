package io.bulwark.bft.service;

/**
 * The paper's null service (section 6.2.1): ignores its argument, changes no state, and returns a
 * result of a fixed size, for micro-benchmarks.
 */
public final class NullService implements Service {
    private final byte[] result;

    public NullService(int resultSize) {
        if (resultSize < 0) throw new IllegalArgumentException("result size must be >= 0");
        this.result = new byte[resultSize];
    }

    @Override public void init(PagedState state) {}

    @Override public byte[] execute(byte[] operation, int client, byte[] nonDet, boolean readOnly) { return result; }
}
