package io.bulwark.store.schema;

import io.bulwark.store.annotation.Entity;
import io.bulwark.store.annotation.GeneratedValue;
import io.bulwark.store.annotation.Id;
import io.bulwark.store.annotation.Indexed;
import io.bulwark.store.annotation.Transient;
import io.bulwark.store.annotation.Version;
import io.bulwark.store.key.KeyEncoding;

import java.lang.annotation.Annotation;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What the store knows of one entity class, found once by reflection: its name, id, version,
 * persistent fields and indexes, and the means to read and write them.
 * <p>
 * The rules (a class breaking one is rejected with an {@link IllegalArgumentException} naming the class
 * and field): annotated {@link Entity}; a concrete, non-record top-level or static nested class with a
 * no-argument constructor (the store creates instances when it reads records); persistent fields are
 * all non-static fields of the class and its superclasses except {@link Transient} ones and those with
 * the {@code transient} modifier, and are not final (the store sets them); no persistent field carries
 * another annotation named {@code Transient} (such as {@code jakarta.persistence.Transient}: the codec
 * skips any field so annotated, so a copy sent by a client and merged would silently lose its value —
 * one rule for both: use Bulwark's {@code @Transient} or the modifier); exactly one {@link Id} of
 * type long, Long, int, Integer, String or UUID, {@link GeneratedValue} only on an integral id; at most
 * one {@link Version} of type long, Long, int or Integer; {@link Indexed} only on a non-id field with a
 * key encoding ({@link KeyEncoding#supports}).
 */
public final class EntityModel {
    /** Longest entity name; names are also used to name the entity's trees and sequence. */
    public static final int MAX_NAME_LENGTH = 100;

    /** A secondary index: the field and whether its non-null values are unique. */
    public record IndexModel(Field field, boolean unique) {
        public String name() { return field.getName(); }
    }

    private final Class<?> type;
    private final String name;
    private final Constructor<?> constructor;
    private final Field id;
    private final boolean generatedId;
    private final Field version;
    private final List<Field> persistent;
    private final List<IndexModel> indexes;
    private final EntitySchema schema;

    private EntityModel(Class<?> type, String name, Constructor<?> constructor, Field id, boolean generatedId,
                        Field version, List<Field> persistent, List<IndexModel> indexes) {
        this.type = type;
        this.name = name;
        this.constructor = constructor;
        this.id = id;
        this.generatedId = generatedId;
        this.version = version;
        this.persistent = List.copyOf(persistent);
        this.indexes = List.copyOf(indexes);
        this.schema = new EntitySchema(name, id.getName(), generatedId, version == null ? null : version.getName(),
                persistent.stream().map(f -> new EntitySchema.Field(f.getName(), f.getGenericType().getTypeName())).toList(),
                indexes.stream().map(i -> new EntitySchema.Index(i.name(), i.unique())).toList());
    }

    /** Builds the model of {@code type}, or rejects the class with a message naming it and the field. */
    public static EntityModel of(Class<?> type) {
        String cls = type.getName();
        Entity entity = type.getAnnotation(Entity.class);
        if (entity == null) throw bad(cls, null, "is not annotated @Entity");
        if (type.isInterface() || type.isRecord() || type.isEnum() || type.isArray() || type.isPrimitive()
                || Modifier.isAbstract(type.getModifiers()))
            throw bad(cls, null, "must be a concrete class (not an interface, record, enum or abstract class)");
        if (type.isMemberClass() && !Modifier.isStatic(type.getModifiers()) || type.isLocalClass() || type.isAnonymousClass())
            throw bad(cls, null, "must be a top-level or static nested class");
        String name = entity.name().isEmpty() ? type.getSimpleName() : entity.name();
        if (name.length() > MAX_NAME_LENGTH || !name.chars().allMatch(c -> c == '_' || c == '$' || c == '.' || Character.isLetterOrDigit(c)))
            throw bad(cls, null, "has an entity name '" + name + "' that is not 1.." + MAX_NAME_LENGTH + " letters, digits, '_', '$' or '.'");
        Constructor<?> ctor;
        try {
            ctor = type.getDeclaredConstructor();
            ctor.setAccessible(true);
        } catch (NoSuchMethodException e) {
            throw bad(cls, null, "has no no-argument constructor (the store creates instances when it reads records)");
        } catch (RuntimeException e) {
            throw bad(cls, null, "cannot be opened to reflection: " + e.getMessage());
        }

        List<Field> persistent = new ArrayList<>();
        Field id = null;
        Field version = null;
        boolean generated = false;
        List<IndexModel> indexes = new ArrayList<>();
        for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
            for (Field f : c.getDeclaredFields()) {
                int mod = f.getModifiers();
                if (Modifier.isStatic(mod) || f.isSynthetic()) continue;
                String fn = f.getName();
                boolean isId = f.isAnnotationPresent(Id.class);
                boolean isGenerated = f.isAnnotationPresent(GeneratedValue.class);
                boolean isVersion = f.isAnnotationPresent(Version.class);
                Indexed indexed = f.getAnnotation(Indexed.class);
                if (f.isAnnotationPresent(Transient.class) || Modifier.isTransient(mod)) {
                    if (isId || isGenerated || isVersion || indexed != null)
                        throw bad(cls, fn, "is transient but annotated @Id, @GeneratedValue, @Version or @Indexed");
                    continue;
                }
                for (Annotation a : f.getAnnotations())
                    if (a.annotationType().getSimpleName().equals("Transient"))
                        throw bad(cls, fn, "is annotated @" + a.annotationType().getName() + ", which the store does not read, while the codec"
                                + " leaves such a field out of what clients send (a merged copy would lose its value): mark it "
                                + Transient.class.getName() + " or give it the transient modifier if it is not persistent, else remove the annotation");
                if (Modifier.isFinal(mod)) throw bad(cls, fn, "is final; persistent fields must be settable (or mark it @Transient)");
                for (Field p : persistent)
                    if (p.getName().equals(fn)) throw bad(cls, fn, "is declared twice in the class hierarchy");
                try {
                    f.setAccessible(true);
                } catch (RuntimeException e) {
                    throw bad(cls, fn, "cannot be opened to reflection: " + e.getMessage());
                }
                persistent.add(f);
                if (isId) {
                    if (id != null) throw bad(cls, fn, "is a second @Id (the first is '" + id.getName() + "')");
                    if (!KeyEncoding.supportsId(f.getType()))
                        throw bad(cls, fn, "is an @Id of type " + f.getType().getName() + "; ids are long, Long, int, Integer, String or UUID");
                    id = f;
                }
                if (isGenerated) {
                    if (!isId) throw bad(cls, fn, "is @GeneratedValue but not the @Id");
                    if (!isIntegral(f.getType())) throw bad(cls, fn, "is @GeneratedValue but not long, Long, int or Integer");
                    generated = true;
                }
                if (isVersion) {
                    if (isId) throw bad(cls, fn, "cannot be both @Id and @Version");
                    if (version != null) throw bad(cls, fn, "is a second @Version (the first is '" + version.getName() + "')");
                    if (!isIntegral(f.getType())) throw bad(cls, fn, "is a @Version of type " + f.getType().getName() + "; versions are long, Long, int or Integer");
                    version = f;
                }
                if (indexed != null) {
                    if (isId) throw bad(cls, fn, "is the @Id, which is always indexed; remove @Indexed");
                    if (isVersion) throw bad(cls, fn, "is the @Version, which cannot be indexed");
                    if (!KeyEncoding.supports(f.getType()))
                        throw bad(cls, fn, "is @Indexed but its type " + f.getType().getName() + " has no key encoding");
                    indexes.add(new IndexModel(f, indexed.unique()));
                }
            }
        }
        if (id == null) throw bad(cls, null, "has no @Id field");
        persistent.sort(Comparator.comparing(Field::getName));
        indexes.sort(Comparator.comparing(IndexModel::name));
        return new EntityModel(type, name, ctor, id, generated, version, persistent, indexes);
    }

    private static boolean isIntegral(Class<?> t) {
        return t == long.class || t == Long.class || t == int.class || t == Integer.class;
    }

    private static IllegalArgumentException bad(String cls, String field, String what) {
        return new IllegalArgumentException("entity class " + cls + (field == null ? "" : ", field '" + field + "'") + ": " + what);
    }

    public Class<?> type() { return type; }

    public String name() { return name; }

    public EntitySchema schema() { return schema; }

    public Field idField() { return id; }

    public Class<?> idType() { return id.getType(); }

    public boolean generatedId() { return generatedId; }

    public boolean hasVersion() { return version != null; }

    public boolean isVersionField(Field f) { return f.equals(version); }

    /** Persistent fields (id and version included), sorted by name: the order of a stored record. */
    public List<Field> persistentFields() { return persistent; }

    public List<IndexModel> indexes() { return indexes; }

    public Optional<IndexModel> index(String field) {
        return indexes.stream().filter(i -> i.name().equals(field)).findFirst();
    }

    /** A new, empty instance (the no-argument constructor). */
    public Object newInstance() {
        try {
            return constructor.newInstance();
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof Error err) throw err;   // this replica's fault, never a reply
            throw new IllegalStateException("constructor of " + type.getName() + " threw " + io.bulwark.store.codec.FailureText.of(e.getCause()), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot instantiate " + type.getName() + ": " + io.bulwark.store.codec.FailureText.of(e), e);
        }
    }

    public Object id(Object entity) { return get(id, entity); }

    public void setId(Object entity, Object value) { set(id, entity, value); }

    /** The id is unset: null, or 0 for a primitive id. */
    public boolean idUnset(Object entity) {
        Object v = id(entity);
        return v == null || id.getType().isPrimitive() && ((Number) v).longValue() == 0;
    }

    /** The version as a long (null reads as null); only with {@link #hasVersion}. */
    public Long version(Object entity) {
        Object v = get(version, entity);
        return v == null ? null : ((Number) v).longValue();
    }

    /** Sets the version from a long, which must fit the field's type. */
    public void setVersion(Object entity, long value) {
        Class<?> t = version.getType();
        if (t == int.class || t == Integer.class) {
            if (value != (int) value) throw new ArithmeticException("version of " + name + " overflows int");
            set(version, entity, (int) value);
        } else {
            set(version, entity, value);
        }
    }

    /** The value of a persistent field. */
    public static Object get(Field f, Object entity) {
        try {
            return f.get(entity);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot read " + f, e);
        }
    }

    /** Sets a persistent field; a value of the wrong type (or null for a primitive) is an IllegalArgumentException. */
    public static void set(Field f, Object entity, Object value) {
        if (value == null && f.getType().isPrimitive())
            throw new IllegalArgumentException("null for primitive field '" + f.getName() + "'");
        try {
            f.set(entity, value);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException("cannot write " + f, e);
        }
    }

    @Override
    public String toString() { return "EntityModel[" + name + " = " + type.getName() + "]"; }
}
