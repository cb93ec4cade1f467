package io.bulwark.store.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Any JDK set: its size, then each element's encoding in {@link CanonicalOrder}. A plain set decodes
 * as a LinkedHashSet (which then iterates in the canonical order, so it re-encodes to the same
 * bytes); a sorted set in natural order decodes as a TreeSet. A sorted set with its own comparator
 * is refused: the comparator cannot travel in the bytes.
 */
final class CanonicalSetSerializer extends Serializer<Set<?>> {
    private final boolean sorted;

    CanonicalSetSerializer(boolean sorted) {
        super(false, false);
        this.sorted = sorted;
    }

    @Override
    public void write(Kryo kryo, Output out, Set<?> set) {
        CodecKryo codec = (CodecKryo) kryo;
        if (set instanceof SortedSet<?> s && s.comparator() != null) {
            throw new CodecException("a " + set.getClass().getName()
                    + " with a custom comparator cannot be encoded; use natural ordering or a plain Set");
        }
        byte[][] encoded = new byte[set.size()][];
        int i = 0;
        for (Object element : set) {
            if (i == encoded.length) {
                throw new CodecException("set changed size while being encoded");
            }
            encoded[i++] = codec.encodeAlone(element);
        }
        if (i != encoded.length) {
            throw new CodecException("set changed size while being encoded");
        }
        Arrays.sort(encoded, CanonicalOrder::compare);
        CanonicalOrder.requireDistinct(encoded, "set");
        Wire.writeUnsigned(out, encoded.length);
        for (byte[] element : encoded) {
            out.writeBytes(element);
        }
    }

    @Override
    public Set<?> read(Kryo kryo, Input in, Class<? extends Set<?>> type) {
        CodecKryo codec = (CodecKryo) kryo;
        int count = Wire.readCount(in, 1, "set");
        Set<Object> set = sorted ? new TreeSet<>() : new LinkedHashSet<>();
        CanonicalOrder.Checker order = new CanonicalOrder.Checker("set");
        for (int i = 0; i < count; i++) {
            int start = in.position();
            Object element = codec.readValue(in);
            order.next(in, start, in.position());
            boolean added;
            try {
                added = set.add(element);
            } catch (ClassCastException | NullPointerException e) {
                throw new CodecException("sorted set element is not naturally comparable: " + describe(element));
            }
            if (!added) {
                throw new CodecException("set holds equal elements twice");
            }
        }
        return set;
    }

    static String describe(Object value) {
        return value == null ? "null" : "a " + value.getClass().getName();
    }
}
