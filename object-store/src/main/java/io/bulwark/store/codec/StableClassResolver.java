package io.bulwark.store.codec;

import com.esotericsoftware.kryo.ClassResolver;
import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Registration;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;

/**
 * Kryo's class resolution replaced by the codec's fixed {@link TypeTable}: a type tag is the varint
 * of the class's stable id (0 for null). Kryo's own name-based tags, and the registrations Kryo's
 * constructor makes for itself, never exist here — bytes can only name classes the table knows.
 */
final class StableClassResolver implements ClassResolver {
    private final TypeTable table;
    private boolean sealed;

    StableClassResolver(TypeTable table) {
        this.table = table;
    }

    TypeTable table() {
        return table;
    }

    /** Ends Kryo's construction: from here on only the table answers. */
    void seal() {
        sealed = true;
    }

    @Override
    public void setKryo(Kryo kryo) {
    }

    @Override
    public Registration register(Registration registration) {
        if (sealed) {
            throw new IllegalStateException("the codec's registrations are fixed when it is built");
        }
        // Kryo's constructor registers its primitives with ids of its own; they are ignored so that
        // only the table's ids are ever written or accepted.
        return registration;
    }

    @Override
    public Registration unregister(int classID) {
        throw new IllegalStateException("the codec's registrations are fixed when it is built");
    }

    @Override
    public Registration registerImplicit(Class type) {
        throw TypeTable.unregistered(type);
    }

    @Override
    public Registration getRegistration(Class type) {
        return sealed ? table.forClass(type) : null;
    }

    @Override
    public Registration getRegistration(int classID) {
        return sealed ? table.forId(classID) : null;
    }

    @Override
    public Registration writeClass(Output output, Class type) {
        if (type == null) {
            Wire.writeUnsigned(output, TypeIds.NULL);
            return null;
        }
        Registration registration = table.forClass(type);
        if (registration == null) {
            throw TypeTable.unregistered(type);
        }
        Wire.writeUnsigned(output, registration.getId());
        return registration;
    }

    @Override
    public Registration readClass(Input input) {
        int id = Wire.readUnsignedInt(input, "type id");
        if (id == TypeIds.NULL) {
            return null;
        }
        Registration registration = table.forId(id);
        if (registration == null) {
            throw new CodecException("unknown type id " + id + " in input");
        }
        return registration;
    }

    @Override
    public void reset() {
    }
}
