package io.bulwark.store.codec;

import com.esotericsoftware.kryo.io.Output;

/** A growable Kryo output that refuses to grow past the codec's byte limit, with a clear error. */
final class BoundedOutput extends Output {
    private final int maxBytes;

    BoundedOutput(int maxBytes) {
        super(Math.min(256, maxBytes), -1);
        this.maxBytes = maxBytes;
    }

    @Override
    protected boolean require(int required) {
        if ((long) position + required > maxBytes) {
            throw new CodecException("encoding exceeds the limit of " + maxBytes + " bytes");
        }
        return super.require(required);
    }
}
