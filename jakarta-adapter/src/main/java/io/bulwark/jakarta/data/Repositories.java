package io.bulwark.jakarta.data;

import io.bulwark.bft.node.Invoker;
import io.bulwark.jakarta.contract.CodecTypes;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.client.StoreClient;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.Type;
import java.time.Duration;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The Jakarta Data provider's entry points: a repository's client proxy over an engine client
 * ({@code BulwarkClient.proxy} calls {@link #proxy}), and the classes the store's codec needs for a set of
 * repositories (entities, the classes their fields and the methods' parameters name, the wire records),
 * the same on clients and replicas.
 */
public final class Repositories {
    private Repositories() {}

    /** Whether {@code type} is a repository Bulwark implements ({@link RepositoryModel#claims}). */
    public static boolean claims(Class<?> type) { return RepositoryModel.claims(type); }

    /** A proxy of the repository {@code type}; IllegalArgumentException naming what Bulwark cannot implement. */
    public static Object proxy(Class<?> type, Invoker engine, Duration timeout) {
        return proxy(type, engine, timeout, null);
    }

    /** As above, its calls joining the XA branch {@code branches} associates with the calling thread (null: never). */
    public static Object proxy(Class<?> type, Invoker engine, Duration timeout, io.bulwark.store.xa.BranchContext branches) {
        if (!claims(type))
            throw new IllegalArgumentException(type.getName() + " is not a repository Bulwark implements: annotate it @Repository(provider = \""
                    + RepositoryModel.PROVIDER + "\") or give it a Bulwark @Entity as its primary entity");
        RepositoryModel model = RepositoryModel.of(type);
        return RepositoryHandler.newProxy(model, new StoreClient(engine, proxyDefinition(type).codec(), timeout, branches));
    }

    /** The (client's) store definition a repository's calls are encoded with: its classes, no operations. */
    public static StoreDefinition proxyDefinition(Class<?> type) {
        CodecTypes types = codecTypes(List.of(type));
        return StoreDefinition.builder()
                .entities(types.entities().toArray(Class<?>[]::new)).values(types.values().toArray(Class<?>[]::new)).build();
    }

    /** The classes the codec must know for {@code repositories} (the wire records among the values). */
    public static CodecTypes codecTypes(Collection<Class<?>> repositories) {
        CodecTypes types = new CodecTypes();
        for (Class<?> w : RepositoryOperations.wireTypes()) types.addClass(w);
        for (Class<?> r : repositories) {
            RepositoryModel model = RepositoryModel.of(r);
            for (Class<?> e : model.entities()) types.addClass(e);
            for (RepositoryMethod m : model.methods()) {
                Type[] generic = m.method().getGenericParameterTypes();
                for (int i : m.queryParameters()) for (Class<?> c : named(model, generic[i])) types.addClass(c);
            }
        }
        return types;
    }

    /** The application classes {@code t} names (itself, its type arguments, its array component), resolved in {@code model}. */
    private static Set<Class<?>> named(RepositoryModel model, Type t) {
        Set<Class<?>> out = new LinkedHashSet<>();
        if (t instanceof ParameterizedType p) for (Type a : p.getActualTypeArguments()) out.addAll(named(model, a));
        Class<?> c = model.resolve(t);
        while (c.isArray()) c = c.getComponentType();
        if (!c.isPrimitive() && !c.getName().startsWith("jakarta.data.")) out.add(c);
        return out;
    }
}
