package io.bulwark.store.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Any JDK map: its size, then key and value of each entry, entries in the {@link CanonicalOrder} of
 * their keys. A plain map decodes as a LinkedHashMap (iterating in canonical order, so it re-encodes
 * to the same bytes, and assignable to a field declared HashMap); a sorted map in natural order
 * decodes as a TreeMap. A sorted map with its own comparator is refused.
 */
final class CanonicalMapSerializer extends Serializer<Map<?, ?>> {
    private final boolean sorted;

    CanonicalMapSerializer(boolean sorted) {
        super(false, false);
        this.sorted = sorted;
    }

    private record Entry(byte[] key, Object value) {
    }

    @Override
    public void write(Kryo kryo, Output out, Map<?, ?> map) {
        CodecKryo codec = (CodecKryo) kryo;
        if (map instanceof SortedMap<?, ?> m && m.comparator() != null) {
            throw new CodecException("a " + map.getClass().getName()
                    + " with a custom comparator cannot be encoded; use natural ordering or a plain Map");
        }
        Entry[] entries = new Entry[map.size()];
        int i = 0;
        for (Map.Entry<?, ?> e : map.entrySet()) {
            if (i == entries.length) {
                throw new CodecException("map changed size while being encoded");
            }
            entries[i++] = new Entry(codec.encodeAlone(e.getKey()), e.getValue());
        }
        if (i != entries.length) {
            throw new CodecException("map changed size while being encoded");
        }
        Arrays.sort(entries, (a, b) -> CanonicalOrder.compare(a.key, b.key));
        for (int j = 1; j < entries.length; j++) {
            if (Arrays.equals(entries[j - 1].key, entries[j].key)) {
                throw new CodecException("map holds two distinct keys with the same encoding");
            }
        }
        Wire.writeUnsigned(out, entries.length);
        for (Entry e : entries) {
            out.writeBytes(e.key);
            codec.writeValue(out, e.value);
        }
    }

    @Override
    public Map<?, ?> read(Kryo kryo, Input in, Class<? extends Map<?, ?>> type) {
        CodecKryo codec = (CodecKryo) kryo;
        int count = Wire.readCount(in, 2, "map");
        Map<Object, Object> map = sorted ? new TreeMap<>() : new LinkedHashMap<>();
        CanonicalOrder.Checker order = new CanonicalOrder.Checker("map");
        for (int i = 0; i < count; i++) {
            int start = in.position();
            Object key = codec.readValue(in);
            order.next(in, start, in.position());
            Object value = codec.readValue(in);
            boolean present;
            try {
                present = map.containsKey(key);
                map.put(key, value);
            } catch (ClassCastException | NullPointerException e) {
                throw new CodecException("sorted map key is not naturally comparable: "
                        + CanonicalSetSerializer.describe(key));
            }
            if (present) {
                throw new CodecException("map holds equal keys twice");
            }
        }
        return map;
    }
}
