package io.bulwark.jakarta.data;

import jakarta.data.repository.DataRepository;
import jakarta.data.repository.Repository;
import java.lang.reflect.GenericArrayType;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.lang.reflect.TypeVariable;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A Jakarta Data repository interface Bulwark implements: its primary entity (the first type argument
 * of {@code DataRepository} or a subinterface), and each abstract method analysed
 * ({@link RepositoryMethod}). Default methods run on the client and are not operations.
 * <p>
 * Which repositories are Bulwark's ({@link #claims}): those annotated
 * {@code @Repository(provider = "Bulwark")} (any case), and those naming no provider whose primary
 * entity is a Bulwark {@code @Entity} (or, naming no primary entity, whose methods take or return one).
 * Any other repository belongs to another provider (a server's own, for JPA entities) and is left alone,
 * as the specification requires.
 */
public final class RepositoryModel {
    public static final String PROVIDER = "Bulwark";
    /**
     * System property: when "true", a method Bulwark cannot implement no longer fails its repository;
     * it is left out of the operations and its proxy throws {@code MappingException} with the reason
     * when called. Meant for running the Jakarta Data TCK, whose repositories mix what a key-value
     * store can run with what it cannot; applications keep the default, which refuses at startup.
     */
    public static final String LENIENT_PROPERTY = "bulwark.data.lenient";
    private static final Map<Class<?>, RepositoryModel> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    private final Class<?> type;
    private final Map<TypeVariable<?>, Type> bindings = new HashMap<>();
    private final Class<?> primary;
    private final SortedSet<Class<?>> entities = new TreeSet<>(Comparator.comparing(Class::getName));
    private final Map<String, RepositoryMethod> methods = new LinkedHashMap<>();   // by name and parameter types
    private final Map<String, String> unsupported = new LinkedHashMap<>();          // lenient mode: signature -> why

    private RepositoryModel(Class<?> type) {
        if (!type.isInterface()) throw new IllegalArgumentException(type.getName() + " is not an interface: a repository is an interface");
        this.type = type;
        bind(type);
        Class<?> p = null;
        for (Map.Entry<TypeVariable<?>, Type> b : bindings.entrySet()) {
            if (b.getKey().getGenericDeclaration() == DataRepository.class && b.getKey().getName().equals("T")) p = resolve(b.getValue());
        }
        if (p == null) p = lifecycleEntity(type, bindings);
        if (p != null && !EntityInfo.isEntity(p))
            throw new IllegalArgumentException("repository " + type.getName() + ": its entity " + p.getName()
                    + " is not a Bulwark entity (annotate it io.bulwark.store.annotation.Entity)");
        this.primary = p;
        if (p != null) entities.add(p);
        List<Method> abstractMethods = new ArrayList<>();
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (Method m : type.getMethods()) {
            if (m.isDefault() || Modifier.isStatic(m.getModifiers()) || m.isBridge() || m.isSynthetic()) continue;
            if (!seen.add(signature(m))) continue;   // declared again by a sub-interface: one operation
            abstractMethods.add(m);
            collectEntities(m);
        }
        abstractMethods.sort(Comparator.comparing(RepositoryModel::signature));
        boolean lenient = Boolean.getBoolean(LENIENT_PROPERTY);
        for (Method m : abstractMethods) {
            try {
                methods.put(signature(m), new RepositoryMethod(this, m));
            } catch (IllegalArgumentException | UnsupportedOperationException e) {
                if (!lenient) throw e;
                unsupported.put(signature(m), e.getMessage());
            }
        }
    }

    /** The model of {@code type}; IllegalArgumentException naming the repository and method for anything unsupported. */
    public static RepositoryModel of(Class<?> type) {
        RepositoryModel m = CACHE.get(type);
        if (m == null) {
            m = new RepositoryModel(type);
            CACHE.putIfAbsent(type, m);
        }
        return m;
    }

    /** Whether Bulwark implements {@code type} (see the class comment). */
    public static boolean claims(Class<?> type) {
        if (!type.isInterface()) return false;
        Repository r = type.getAnnotation(Repository.class);
        if (r == null) return false;
        if (!r.provider().isEmpty()) return r.provider().equalsIgnoreCase(PROVIDER);
        Class<?> primary = primaryOf(type);
        if (primary != null) return EntityInfo.isEntity(primary);
        // No primary entity (a repository of several entities): Bulwark's if its methods' entities are Bulwark entities.
        Map<TypeVariable<?>, Type> b = new HashMap<>();
        bind(type, b);
        for (Method m : type.getMethods()) {
            if (m.isDefault() || Modifier.isStatic(m.getModifiers())) continue;
            List<Type> types = new ArrayList<>(List.of(m.getGenericParameterTypes()));
            types.add(m.getGenericReturnType());
            for (Type t : types) {
                List<Type> named = new ArrayList<>(List.of(t));
                if (t instanceof ParameterizedType p) named.addAll(List.of(p.getActualTypeArguments()));
                for (Type n : named) {
                    Class<?> c = resolve(n, b);
                    while (c.isArray()) c = c.getComponentType();
                    if (EntityInfo.isEntity(c)) return true;
                }
            }
        }
        return false;
    }

    /**
     * A repository that does not extend DataRepository: its primary entity is the one entity its lifecycle
     * methods ({@code @Insert}, {@code @Update}, {@code @Save}, {@code @Delete} of entities) all take, or
     * null when they take several or there are none (Jakarta Data 1.0, "Repository interfaces").
     */
    private static Class<?> lifecycleEntity(Class<?> type, Map<TypeVariable<?>, Type> bindings) {
        Class<?> found = null;
        for (Method m : type.getMethods()) {
            if (m.isDefault() || Modifier.isStatic(m.getModifiers()) || m.getParameterCount() != 1) continue;
            if (!(m.isAnnotationPresent(jakarta.data.repository.Insert.class) || m.isAnnotationPresent(jakarta.data.repository.Update.class)
                    || m.isAnnotationPresent(jakarta.data.repository.Save.class) || m.isAnnotationPresent(jakarta.data.repository.Delete.class)))
                continue;
            Type t = m.getGenericParameterTypes()[0];
            Class<?> c = t instanceof ParameterizedType pt && pt.getActualTypeArguments().length == 1
                    ? resolve(pt.getActualTypeArguments()[0], bindings) : resolve(t, bindings);
            while (c.isArray()) c = c.getComponentType();
            if (!EntityInfo.isEntity(c)) continue;
            if (found != null && found != c) return null;
            found = c;
        }
        return found;
    }

    /** The primary entity named by {@code type}'s DataRepository type argument, or null (without analysing the methods). */
    private static Class<?> primaryOf(Class<?> type) {
        Map<TypeVariable<?>, Type> b = new HashMap<>();
        bind(type, b);
        for (Map.Entry<TypeVariable<?>, Type> e : b.entrySet())
            if (e.getKey().getGenericDeclaration() == DataRepository.class && e.getKey().getName().equals("T"))
                return resolve(e.getValue(), b);
        return null;
    }

    public Class<?> type() { return type; }

    /** The primary entity, or null for a repository that names none (its methods say theirs). */
    public Class<?> primary() { return primary; }

    /** Every entity class the repository's methods use (primary first in no particular sense: sorted by name). */
    public List<Class<?>> entities() { return List.copyOf(entities); }

    public List<RepositoryMethod> methods() { return List.copyOf(methods.values()); }

    public RepositoryMethod method(Method m) { return methods.get(signature(m)); }

    /** Lenient mode ({@link #LENIENT_PROPERTY}): why Bulwark does not implement {@code m}, or null. */
    public String unsupported(Method m) { return unsupported.get(signature(m)); }

    /** Lenient mode: every method left out, by signature, with the reason. */
    public Map<String, String> unsupportedMethods() { return Collections.unmodifiableMap(unsupported); }

    /** The entity this repository knows by {@code name} (its entity name), or null. */
    Class<?> entityNamed(String name) {
        for (Class<?> c : entities) if (EntityInfo.of(c).name().equals(name)) return c;
        return null;
    }

    /** The class {@code t} stands for in this repository (type variables bound by its super-interfaces, or their bounds). */
    Class<?> resolve(Type t) { return resolve(t, bindings); }

    private static Class<?> resolve(Type t, Map<TypeVariable<?>, Type> bindings) {
        for (int guard = 0; guard < 32; guard++) {
            if (t instanceof Class<?> c) return c;
            if (t instanceof ParameterizedType p) return (Class<?>) p.getRawType();
            if (t instanceof GenericArrayType g) return java.lang.reflect.Array.newInstance(resolve(g.getGenericComponentType(), bindings), 0).getClass();
            if (t instanceof java.lang.reflect.WildcardType w) t = w.getUpperBounds()[0];
            else if (t instanceof TypeVariable<?> v) t = bindings.containsKey(v) ? bindings.get(v) : v.getBounds()[0];
            else return Object.class;
        }
        return Object.class;
    }

    private void bind(Class<?> c) { bind(c, bindings); }

    private static void bind(Class<?> c, Map<TypeVariable<?>, Type> bindings) {
        for (Type g : c.getGenericInterfaces()) {
            if (g instanceof ParameterizedType p) {
                Class<?> raw = (Class<?>) p.getRawType();
                TypeVariable<?>[] vars = raw.getTypeParameters();
                Type[] args = p.getActualTypeArguments();
                for (int i = 0; i < vars.length; i++) bindings.putIfAbsent(vars[i], args[i]);
                bind(raw, bindings);
            } else if (g instanceof Class<?> k) {
                bind(k, bindings);
            }
        }
    }

    private void collectEntities(Method m) {
        List<Type> types = new ArrayList<>(List.of(m.getGenericParameterTypes()));
        types.add(m.getGenericReturnType());
        for (Type t : types) {
            if (t instanceof ParameterizedType p) for (Type a : p.getActualTypeArguments()) addEntity(resolve(a));
            Class<?> c = resolve(t);
            while (c.isArray()) c = c.getComponentType();
            addEntity(c);
        }
    }

    private void addEntity(Class<?> c) {
        if (EntityInfo.isEntity(c)) entities.add(c);
    }

    private static String signature(Method m) {
        StringBuilder b = new StringBuilder(m.getName()).append('(');
        for (Class<?> p : m.getParameterTypes()) b.append(p.getName()).append(',');
        return b.append(')').toString();
    }

    @Override public String toString() { return "repository " + type.getName() + " over " + Collections.unmodifiableSortedSet(entities); }
}
