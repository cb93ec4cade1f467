package io.bulwark.store.tx;

import io.bulwark.store.codec.DeterministicCodec;
import io.bulwark.store.schema.EntityModel;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * An entity's stored record: the list of its persistent field values in field-name order (the order
 * of its {@link io.bulwark.store.schema.EntitySchema}), encoded with the deterministic codec.
 * <p>
 * The record is built from the fields rather than by handing the object to the codec, so that exactly
 * the schema's fields are stored: {@code @Transient} fields are neither stored nor compared, and the
 * entity class itself needs no codec registration (the types of its field values do).
 */
final class EntityRecords {
    private final DeterministicCodec codec;

    EntityRecords(DeterministicCodec codec) { this.codec = codec; }

    /** The record of {@code entity}; a CodecException if a field holds a type the codec cannot encode. */
    byte[] encode(EntityModel model, Object entity) {
        List<Field> fields = model.persistentFields();
        ArrayList<Object> values = new ArrayList<>(fields.size());
        for (Field f : fields) values.add(EntityModel.get(f, entity));
        return codec.encode(values);
    }

    /** A new instance holding the record's values; IllegalStateException if the record does not fit the model. */
    Object decode(EntityModel model, byte[] record) {
        List<?> values = codec.decode(record, List.class);
        List<Field> fields = model.persistentFields();
        if (values == null || values.size() != fields.size())
            throw new IllegalStateException("corrupt record of entity " + model.name() + ": "
                    + (values == null ? "null" : values.size() + " values") + " for " + fields.size() + " fields");
        Object entity = model.newInstance();
        for (int i = 0; i < fields.size(); i++) {
            try {
                EntityModel.set(fields.get(i), entity, values.get(i));
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException("corrupt record of entity " + model.name() + ", field '" + fields.get(i).getName() + "': " + e.getMessage(), e);
            }
        }
        return entity;
    }

    /** Copies every persistent field except the id and version from {@code from} to {@code to}. */
    static void copyState(EntityModel model, Object from, Object to) {
        for (Field f : model.persistentFields()) {
            if (f.equals(model.idField()) || model.isVersionField(f)) continue;
            EntityModel.set(f, to, EntityModel.get(f, from));
        }
    }
}
