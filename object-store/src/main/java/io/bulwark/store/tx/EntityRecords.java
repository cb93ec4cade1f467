package io.bulwark.store.tx;

import io.bulwark.store.codec.DeterministicCodec;
import io.bulwark.store.schema.EntityModel;

import java.lang.reflect.Field;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.UUID;

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

    /**
     * Field value classes whose instances cannot change and whose equal instances encode alike (exact
     * classes: a subclass of BigDecimal, say, could be mutable).
     */
    private static final Set<Class<?>> IMMUTABLE = Set.of(String.class, Boolean.class, Character.class, Byte.class, Short.class,
            Integer.class, Long.class, Float.class, Double.class, BigInteger.class, BigDecimal.class, UUID.class, Instant.class,
            LocalDate.class, LocalTime.class, LocalDateTime.class, Duration.class);

    /** The record of {@code entity}; a CodecException if a field holds a type the codec cannot encode. */
    byte[] encode(EntityModel model, Object entity) {
        return codec.encode(Arrays.asList(values(model, entity)));
    }

    /** The entity's persistent field values, in record order. */
    static Object[] values(EntityModel model, Object entity) {
        List<Field> fields = model.persistentFields();
        Object[] values = new Object[fields.size()];
        for (int i = 0; i < values.length; i++) values[i] = EntityModel.get(fields.get(i), entity);
        return values;
    }

    /**
     * Whether {@code entity} certainly still encodes to the record its field values were
     * {@code snapshot} of, decided without encoding: every field holds null or an immutable value equal
     * to the snapshot's. False when unsure (a collection, an array, an embedded object): then encode.
     */
    static boolean unchangedSince(EntityModel model, Object entity, Object[] snapshot) {
        List<Field> fields = model.persistentFields();
        for (int i = 0; i < snapshot.length; i++) {
            Object now = EntityModel.get(fields.get(i), entity);
            Object then = snapshot[i];
            if (now == null && then == null) continue;
            if (now == null || then == null || !immutable(now) || !now.equals(then)) return false;
        }
        return true;
    }

    private static boolean immutable(Object value) {
        return IMMUTABLE.contains(value.getClass()) || value instanceof Enum<?>;
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
