package io.bulwark.jakarta.data;

import io.bulwark.store.annotation.Entity;
import io.bulwark.store.annotation.Id;
import io.bulwark.store.annotation.Indexed;
import io.bulwark.store.annotation.Transient;
import io.bulwark.store.annotation.Version;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What a repository needs of an entity class: its name, id and version fields, its persistent
 * properties by name, and which of them the store indexes. Read by reflection once per class (the
 * store's own rules for entity classes are checked by {@code StoreDefinition.build()}).
 */
public final class EntityInfo {
    /** The Jakarta Data name of the id in queries ({@code By.ID}): {@code id(this)}. */
    public static final String ID_FUNCTION = "id(this)";
    private static final Map<Class<?>, EntityInfo> CACHE = new ConcurrentHashMap<>();

    private final Class<?> type;
    private final String name;
    private final Field id;
    private final Field version;
    private final Map<String, Field> properties;          // exact names, sorted
    private final Map<String, Field> byLowerCase;
    private final Map<String, Boolean> indexed;            // name -> unique

    private EntityInfo(Class<?> type) {
        Entity e = type.getAnnotation(Entity.class);
        if (e == null) throw new IllegalArgumentException(type.getName() + " is not a Bulwark entity (annotated io.bulwark.store.annotation.Entity)");
        this.type = type;
        this.name = e.name().isEmpty() ? type.getSimpleName() : e.name();
        Map<String, Field> props = new TreeMap<>();
        Map<String, Boolean> ix = new TreeMap<>();
        Field idField = null, versionField = null;
        for (Class<?> k = type; k != null && k != Object.class; k = k.getSuperclass()) {
            for (Field f : k.getDeclaredFields()) {
                int mod = f.getModifiers();
                if (Modifier.isStatic(mod) || Modifier.isTransient(mod) || f.isAnnotationPresent(Transient.class) || f.isSynthetic()) continue;
                f.setAccessible(true);
                props.putIfAbsent(f.getName(), f);
                if (f.isAnnotationPresent(Id.class)) idField = f;
                if (f.isAnnotationPresent(Version.class)) versionField = f;
                Indexed i = f.getAnnotation(Indexed.class);
                if (i != null) ix.put(f.getName(), i.unique());
            }
        }
        if (idField == null) throw new IllegalArgumentException("entity " + type.getName() + " has no @Id field");
        this.id = idField;
        this.version = versionField;
        this.properties = Collections.unmodifiableMap(props);
        Map<String, Field> lower = new TreeMap<>();
        for (Map.Entry<String, Field> p : props.entrySet()) lower.merge(p.getKey().toLowerCase(Locale.ROOT), p.getValue(), (a, b) -> null);
        this.byLowerCase = lower;
        this.indexed = Collections.unmodifiableMap(ix);
    }

    /** The info of a Bulwark entity class; IllegalArgumentException for any other class. */
    public static EntityInfo of(Class<?> type) {
        EntityInfo cached = CACHE.get(type);
        if (cached != null) return cached;
        EntityInfo info = new EntityInfo(type);
        CACHE.putIfAbsent(type, info);
        return info;
    }

    public static boolean isEntity(Class<?> c) { return c != null && c.isAnnotationPresent(Entity.class); }

    public Class<?> type() { return type; }

    public String name() { return name; }

    public String idName() { return id.getName(); }

    public Class<?> idType() { return id.getType(); }

    public boolean hasVersion() { return version != null; }

    /**
     * The field a query names: {@code id(this)} or {@code id} (when no other property has that name) is
     * the id; an exact property name; else a property whose name differs only in case (method names
     * capitalize it). IllegalArgumentException naming the entity and its properties otherwise.
     */
    public Field property(String query) {
        String n = query.strip();
        if (n.equalsIgnoreCase(ID_FUNCTION) || n.equalsIgnoreCase("id(THIS)")) return id;
        Field f = properties.get(n);
        if (f == null) f = byLowerCase.get(n.toLowerCase(Locale.ROOT));
        if (f == null && n.equalsIgnoreCase("id")) f = id;
        if (f == null) throw new IllegalArgumentException("entity " + name + " (" + type.getName() + ") has no property '" + query
                + "'; its properties are " + properties.keySet());
        return f;
    }

    /** The canonical property name of {@code query} (see {@link #property}). */
    public String canonical(String query) { return property(query).getName(); }

    public boolean isId(String property) { return id.getName().equals(property); }

    /** Whether the store keeps an index on {@code property} (the id always). */
    public boolean indexed(String property) { return isId(property) || indexed.containsKey(property); }

    public Object get(Object entity, String property) {
        try {
            return property(property).get(entity);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    public Object id(Object entity) {
        try {
            return id.get(entity);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sets {@code property}, converting a number to the field's type; IllegalArgumentException if the value does not fit. */
    public void set(Object entity, String property, Object value) {
        Field f = property(property);
        Object v = Values.coerce(f.getType(), value);
        if (v == null && f.getType().isPrimitive())
            throw new IllegalArgumentException("property " + f.getName() + " of " + name + " is a " + f.getType().getName() + " and cannot be null");
        try {
            f.set(entity, v);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override public String toString() { return "EntityInfo[" + name + "]"; }
}
