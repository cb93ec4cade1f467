package io.bulwark.jakarta.host;

import io.bulwark.jakarta.cdi.BulwarkExtension;
import io.bulwark.jakarta.cdi.Mode;
import io.bulwark.jakarta.contract.Contract;
import io.bulwark.jakarta.replica.ReplicatedBean;
import io.bulwark.jakarta.replica.ReplicatedStore;
import io.bulwark.jakarta.data.Repositories;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.access.Access;
import io.bulwark.store.access.AccessPolicy;
import io.bulwark.store.annotation.Entity;
import jakarta.enterprise.inject.se.SeContainer;
import jakarta.enterprise.inject.se.SeContainerInitializer;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Enumeration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * The CDI replica host: boots an application's jar(s) — the same jar as inside the WAR — in a CDI SE
 * container (Weld SE must be on the class path) in replica {@link Mode}, and gives the store definition
 * its {@code @Replicated} beans make, for a replica to run.
 * <p>
 * Only what a replica runs is deployed: the jar's replicated bean classes (with the adapter's helpers);
 * the web tier's beans in the same jar stay out (they would need the server's resources). The entity
 * classes of the jar are all registered, so an operation may store an entity no signature names.
 * Startup fails with a {@link HostException} naming the class when the jar has no replicated bean, when
 * a replicated bean breaks the determinism rules (injects something that is not replicated, keeps state
 * in fields, has a request or session scope) or when an entity has a field the codec cannot store.
 */
public final class CdiReplicaHost implements AutoCloseable {
    private static final AtomicInteger CONTAINERS = new AtomicInteger();

    private final SeContainer container;
    private final List<ReplicatedBean> beans;
    private final List<Class<?>> entities;
    private final List<Class<?>> repositories;
    private final URLClassLoader ownLoader;

    private CdiReplicaHost(SeContainer container, List<ReplicatedBean> beans, List<Class<?>> entities, List<Class<?>> repositories,
                           URLClassLoader ownLoader) {
        this.container = container;
        this.beans = beans;
        this.entities = entities;
        this.repositories = repositories;
        this.ownLoader = ownLoader;
    }

    /** The application in {@code jars} (jars, or a build's classes directories), loaded by a class loader of its own over {@code parent} (the host's classes: the adapter, the store, CDI). */
    public static CdiReplicaHost boot(List<Path> jars, ClassLoader parent) throws IOException {
        if (jars.isEmpty()) throw new HostException("no application jar given");
        List<URL> urls = new ArrayList<>();
        for (Path j : jars) {
            if (!Files.isRegularFile(j) && !Files.isDirectory(j)) throw new HostException("application jar " + j + " does not exist");
            try {
                urls.add(j.toUri().toURL());
            } catch (MalformedURLException e) {
                throw new HostException("application jar " + j + ": " + e.getMessage());
            }
        }
        URLClassLoader loader = new URLClassLoader("bulwark-app", urls.toArray(URL[]::new), parent);
        try {
            List<Class<?>> classes = new ArrayList<>();
            for (Path j : jars) classes.addAll(classesIn(j, loader));
            return boot(loader, classes, loader);
        } catch (RuntimeException | Error e) {
            loader.close();
            throw e;
        }
    }

    /** The application made of {@code classes} (already loaded by {@code loader}): what {@link #boot(List, ClassLoader)} does after reading the jars. */
    public static CdiReplicaHost boot(ClassLoader loader, Collection<Class<?>> classes) {
        return boot(loader, classes, null);
    }

    private static CdiReplicaHost boot(ClassLoader loader, Collection<Class<?>> classes, URLClassLoader own) {
        List<Class<?>> replicated = new ArrayList<>(), entities = new ArrayList<>(), repositories = new ArrayList<>();
        for (Class<?> c : classes) {
            if (Contract.isReplicatedBean(c)) replicated.add(c);
            if (c.isAnnotationPresent(Entity.class)) entities.add(c);
            if (Repositories.claims(c)) repositories.add(c);   // Jakarta Data repositories: their queries run here
        }
        replicated.sort(Comparator.comparing(Class::getName));
        entities.sort(Comparator.comparing(Class::getName));
        repositories.sort(Comparator.comparing(Class::getName));
        if (replicated.isEmpty() && repositories.isEmpty())
            throw new HostException("the application has no @Replicated bean class and no Bulwark repository: nothing for a replica to run");
        SeContainerInitializer init = SeContainerInitializer.newInstance()
                .setClassLoader(loader)
                .disableDiscovery()
                .addExtensions(BulwarkExtension.class)   // with discovery off, Weld SE loads no extension from META-INF/services
                .addBeanClasses(replicated.toArray(Class<?>[]::new))
                .addProperty("org.jboss.weld.se.shutdownHook", false);   // the replica process stops the container itself
        containerId(init, "bulwark-replica-" + CONTAINERS.incrementAndGet());
        SeContainer container;
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
        try {
            container = Mode.bootingAs(Mode.REPLICA, init::initialize);
        } catch (RuntimeException e) {
            throw new HostException("the application cannot run on a replica: " + rootMessage(e), e);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
        try {
            BulwarkExtension ext = container.getBeanManager().getExtension(BulwarkExtension.class);
            return new CdiReplicaHost(container, ext.replicatedBeans(container.getBeanManager()), List.copyOf(entities), List.copyOf(repositories), own);
        } catch (RuntimeException e) {
            container.close();
            throw e;
        }
    }

    /** The store definition of the application's replicated beans under {@code policy}; {@link HostException} if the store refuses it. */
    public StoreDefinition definition(AccessPolicy policy) {
        try {
            return ReplicatedStore.definition(beans, entities, repositories, new Access.DenyAll()).accessPolicy(policy).build();
        } catch (IllegalArgumentException e) {
            throw new HostException("the application cannot run on a replica: " + e.getMessage(), e);
        }
    }

    /** The replicated beans, in class-name order. */
    public List<ReplicatedBean> beans() { return beans; }

    /** The application's Jakarta Data repositories Bulwark implements (their operations are in the definition). */
    public List<Class<?>> repositories() { return repositories; }

    /** The application's entity classes. */
    public List<Class<?>> entities() { return entities; }

    @Override public void close() {
        try {
            if (container.isRunning()) container.close();
        } finally {
            if (ownLoader != null) {
                try {
                    ownLoader.close();
                } catch (IOException ignored) {
                    // the jar files stay open until the process exits
                }
            }
        }
    }

    /** The application classes in {@code jar}; a class that cannot be loaded here (it needs the server's APIs) is skipped: a replica does not run it. */
    static List<Class<?>> classesIn(Path jar, ClassLoader loader) throws IOException {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(jar)) {   // a build's classes directory (tests in a reactor build resolve a module to it)
            try (var files = Files.walk(jar)) {
                files.filter(p -> Files.isRegularFile(p) && p.toString().endsWith(".class")).forEach(p -> {
                    String n = jar.relativize(p).toString().replace(java.io.File.separatorChar, '/');
                    if (!n.startsWith("META-INF/") && !n.endsWith("module-info.class") && !n.endsWith("package-info.class"))
                        names.add(n.substring(0, n.length() - ".class".length()).replace('/', '.'));
                });
            }
        } else try (JarFile f = new JarFile(jar.toFile())) {
            for (Enumeration<JarEntry> e = f.entries(); e.hasMoreElements(); ) {
                String n = e.nextElement().getName();
                if (!n.endsWith(".class") || n.startsWith("META-INF/") || n.endsWith("module-info.class") || n.endsWith("package-info.class")) continue;
                names.add(n.substring(0, n.length() - ".class".length()).replace('/', '.'));
            }
        }
        names.sort(null);
        List<Class<?>> out = new ArrayList<>();
        for (String n : names) {
            try {
                out.add(Class.forName(n, false, loader));
            } catch (ClassNotFoundException | LinkageError e) {
                // a class of the web tier whose API the host does not have: not something a replica runs
            }
        }
        return out;
    }

    /** Weld SE runs one container per id: give ours a fresh one where the implementation supports it. */
    private static void containerId(SeContainerInitializer init, String id) {
        try {
            init.getClass().getMethod("containerId", String.class).invoke(init, id);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // not Weld: one container per process, as a replica runs anyway
        }
    }

    private static String rootMessage(Throwable e) {
        StringBuilder b = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && (b.length() == 0 || !b.toString().contains(t.getMessage()))) {
                if (b.length() > 0) b.append(" <- ");
                b.append(t.getMessage());
            }
        }
        return b.length() == 0 ? e.getClass().getName() : b.toString();
    }
}
