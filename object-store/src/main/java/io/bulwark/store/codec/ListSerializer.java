package io.bulwark.store.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.util.ArrayList;
import java.util.List;

/**
 * Any JDK list (ArrayList, List.of, Arrays.asList, unmodifiable views...): its size, then each
 * element with its type tag, in list order. It decodes as an ArrayList, which grows with the
 * elements actually read rather than being sized by a count from the input.
 */
final class ListSerializer extends Serializer<List<?>> {
    ListSerializer() {
        super(false, false);
    }

    @Override
    public void write(Kryo kryo, Output out, List<?> list) {
        CodecKryo codec = (CodecKryo) kryo;
        Wire.writeUnsigned(out, list.size());
        int written = 0;
        for (Object element : list) {
            codec.writeValue(out, element);
            written++;
        }
        if (written != list.size()) {
            throw new CodecException("list changed size while being encoded");
        }
    }

    @Override
    public List<?> read(Kryo kryo, Input in, Class<? extends List<?>> type) {
        CodecKryo codec = (CodecKryo) kryo;
        int count = Wire.readCount(in, 1, "list");
        List<Object> list = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            list.add(codec.readValue(in));
        }
        return list;
    }
}
