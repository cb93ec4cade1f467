package io.bulwark.store.tx;

import io.bulwark.store.work.WorkMeter;
import io.bulwark.store.BadRequestException;
import io.bulwark.store.Caller;
import io.bulwark.store.codec.DeterministicCodec;
import io.bulwark.store.page.PageOverlay;
import io.bulwark.store.page.Pages;
import io.bulwark.store.schema.EntityModel;
import io.bulwark.store.schema.Schema;
import io.bulwark.store.schema.SchemaConflictException;
import io.bulwark.store.storage.Storage;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The persistence side of a store: the entity models, their schema, the codec and the validator, built
 * once at start-up; {@link #begin} opens one transaction over the state's pages. Thread-safe (it holds
 * no per-transaction state).
 */
public final class EntityStore {
    /** The meta blob holding the stored {@link Schema}. */
    public static final String SCHEMA_META = "schema";

    private final DeterministicCodec codec;
    private final Map<Class<?>, EntityModel> models = new LinkedHashMap<>();
    private final Schema schema;
    private final byte[] schemaBytes;
    private final EntityRecords records;
    private final EntityValidator validator;

    /**
     * Builds and checks the models of {@code entityClasses}.
     *
     * @throws IllegalArgumentException naming the class and field if a class is malformed, two classes
     *                                  share an entity name, or a field's concrete type is not
     *                                  registered with the codec
     */
    public EntityStore(DeterministicCodec codec, List<Class<?>> entityClasses) {
        this(codec, entityClasses, java.util.Locale.ROOT);
    }

    /** As above, with validation messages in {@code validationLocale} (whatever the replica's default locale). */
    public EntityStore(DeterministicCodec codec, List<Class<?>> entityClasses, java.util.Locale validationLocale) {
        this.codec = Objects.requireNonNull(codec, "codec");
        Map<String, Class<?>> names = new LinkedHashMap<>();
        for (Class<?> c : entityClasses) {
            EntityModel m = EntityModel.of(c);
            Class<?> other = names.putIfAbsent(m.name(), c);
            if (other != null)
                throw new IllegalArgumentException("entity classes " + other.getName() + " and " + c.getName() + " are both named " + m.name());
            checkRegistered(m);
            models.put(c, m);
        }
        List<io.bulwark.store.schema.EntitySchema> shapes = new ArrayList<>();
        for (EntityModel m : models.values()) shapes.add(m.schema());
        this.schema = new Schema(shapes);
        this.schemaBytes = schema.encode();
        this.records = new EntityRecords(codec);
        this.validator = new EntityValidator(validationLocale);
    }

    /** A field of a concrete application type must have its type registered, or no record could be written. */
    private void checkRegistered(EntityModel m) {
        for (Field f : m.persistentFields()) {
            Class<?> t = f.getType();
            while (t.isArray()) t = t.getComponentType();
            if (t.isPrimitive() || t.isInterface() || Modifier.isAbstract(t.getModifiers()) || t.getName().startsWith("java.")) continue;
            if (!codec.isRegistered(t))
                throw new IllegalArgumentException("entity class " + m.type().getName() + ", field '" + f.getName() + "': its type "
                        + t.getName() + " is not registered with the codec");
        }
    }

    /**
     * Checks the schema stored in {@code pages} against the classes, modifying nothing. A blank,
     * unformatted state passes (the first writing transaction stores the schema).
     *
     * @throws SchemaConflictException if an entity's shape differs from the stored one, or the state
     *                                 is formatted but its schema is missing or unreadable
     */
    public void checkSchema(Pages pages) {
        PageOverlay view = new PageOverlay(pages);
        try {
            if (!Storage.isFormatted(view)) return;
            byte[] stored = Storage.open(view).meta(SCHEMA_META);
            if (stored == null) throw new SchemaConflictException(null, null, "the state is formatted but holds no schema");
            Schema decoded;
            try {
                decoded = Schema.decode(stored);
            } catch (IllegalArgumentException e) {
                throw new SchemaConflictException(null, null, "the stored schema is unreadable: " + e.getMessage());
            }
            Schema.merge(decoded, schema);
        } finally {
            view.discard();
        }
    }

    /**
     * Opens a transaction over {@code base}, which it does not modify before {@link TxContext#commit}.
     *
     * @param agreedMillis the agreed time of the operation ({@link TxContext#now})
     * @param randomSeed   the agreed seed of {@link TxContext#random}
     * @param readOnly     the transaction must not write (checked at commit)
     */
    public TxContext begin(Pages base, Caller caller, long agreedMillis, long randomSeed, boolean readOnly) {
        return begin(base, caller, agreedMillis, randomSeed, readOnly, WorkMeter.unlimited());
    }

    /** As above, charging the transaction's work (pages, entities, index steps) to {@code meter}. */
    public TxContext begin(Pages base, Caller caller, long agreedMillis, long randomSeed, boolean readOnly, WorkMeter meter) {
        return new TxContext(this, new PageOverlay(base, meter), caller, agreedMillis, randomSeed, readOnly, meter);
    }

    /** Formats blank pages as a store holding this schema, as a transaction's first write does. */
    public void format(Pages pages) {
        Storage s = Storage.format(pages);
        s.putMeta(SCHEMA_META, schemaBytes);
    }

    /** The model of an entity class; BadRequestException if it is not one of this store's entities. */
    public EntityModel modelFor(Class<?> type) {
        EntityModel m = models.get(type);
        if (m == null) throw new BadRequestException(type.getName() + " is not an entity of this store");
        return m;
    }

    public Collection<EntityModel> models() { return models.values(); }

    public Schema schema() { return schema; }

    byte[] schemaBytes() { return schemaBytes; }

    EntityRecords records() { return records; }

    /** Bean Validation with the replicas' deterministic setup (also for operation arguments). */
    public EntityValidator validator() { return validator; }
}
