package io.bulwark.store.codec;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

import java.util.HashMap;
import java.util.Map;

/**
 * An enum constant by name, not ordinal: stored bytes survive reordering or inserting constants,
 * and a removed constant fails loudly on decode instead of silently becoming its neighbour.
 */
final class EnumSerializer extends Serializer<Enum<?>> {
    private final Class<?> type;
    private final Map<String, Enum<?>> byName = new HashMap<>();

    EnumSerializer(Class<?> type) {
        super(false, true);
        this.type = type;
        for (Object constant : type.getEnumConstants()) {
            Enum<?> e = (Enum<?>) constant;
            byName.put(e.name(), e);
        }
    }

    @Override
    public void write(Kryo kryo, Output out, Enum<?> value) {
        Wire.writeString(out, value.name());
    }

    @Override
    public Enum<?> read(Kryo kryo, Input in, Class<? extends Enum<?>> ignored) {
        String name = Wire.readString(in);
        Enum<?> value = byName.get(name);
        if (value == null) {
            throw new CodecException("enum " + type.getName() + " has no constant named '" + name + "'");
        }
        return value;
    }
}
