package io.bulwark.store.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import com.esotericsoftware.kryo.util.DefaultInstantiatorStrategy;

import java.util.ArrayList;
import java.util.List;

/**
 * One pooled Kryo instance with the state of the encode or decode in progress: how deep it is and,
 * when encoding, the chain of objects it is inside. Every nested value goes through
 * {@link #writeValue} and {@link #readValue}, so the depth limit and the cycle check hold everywhere.
 * <p>
 * References are off (graphs are trees), registration is required, and class resolution is the
 * codec's own {@link StableClassResolver}: no class name ever reaches the bytes.
 */
final class CodecKryo extends Kryo {
    private final StableClassResolver resolver;
    private final int maxDepth;
    private final int maxBytes;
    private final List<Object> ancestors = new ArrayList<>();
    private int depth;

    CodecKryo(TypeTable table, int maxDepth, int maxBytes) {
        super(new StableClassResolver(table), null);
        this.resolver = (StableClassResolver) getClassResolver();
        this.maxDepth = maxDepth;
        this.maxBytes = maxBytes;
        setRegistrationRequired(true);
        setReferences(false);
        // Instances are made by our serializers only; Kryo's own instantiation must never be used.
        setInstantiatorStrategy(new DefaultInstantiatorStrategy());
        resolver.seal();
    }

    int maxBytes() {
        return maxBytes;
    }

    TypeTable table() {
        return resolver.table();
    }

    /** A value with its type tag (0 for null). */
    void writeValue(Output out, Object value) {
        enter();
        try {
            if (value != null) {
                for (Object ancestor : ancestors) {
                    if (ancestor == value) {
                        throw new CodecException("cycle: a " + value.getClass().getName()
                                + " contains itself; the codec encodes trees only");
                    }
                }
            }
            ancestors.add(value);
            try {
                writeClassAndObject(out, value);
            } finally {
                ancestors.remove(ancestors.size() - 1);
            }
        } finally {
            depth--;
        }
    }

    Object readValue(Input in) {
        enter();
        try {
            return readClassAndObject(in);
        } finally {
            depth--;
        }
    }

    /** A value's encoding on its own, for sorting map keys and set elements by their bytes. */
    byte[] encodeAlone(Object value) {
        BoundedOutput out = new BoundedOutput(maxBytes);
        writeValue(out, value);
        return out.toBytes();
    }

    private void enter() {
        if (depth >= maxDepth) {
            throw new CodecException("object graph deeper than the limit of " + maxDepth);
        }
        depth++;
    }

    /** Clears the per-operation state, also after a failure, before the instance goes back to the pool. */
    void clearOperation() {
        ancestors.clear();
        depth = 0;
        reset();
    }
}
