package io.bulwark.jakarta.cdi;

import io.bulwark.jakarta.Replicated;
import io.bulwark.jakarta.client.BulwarkClient;
import io.bulwark.jakarta.contract.Contract;
import io.bulwark.jakarta.data.Repositories;
import io.bulwark.jakarta.data.RepositoryModel;
import io.bulwark.jakarta.replica.AgreedClock;
import io.bulwark.jakarta.replica.CurrentCaller;
import io.bulwark.jakarta.replica.DeterminismRules;
import io.bulwark.jakarta.replica.ReplicaTx;
import io.bulwark.jakarta.replica.ReplicatedBean;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Dependent;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Default;
import jakarta.enterprise.inject.spi.AfterBeanDiscovery;
import jakarta.enterprise.inject.spi.Bean;
import jakarta.enterprise.inject.spi.BeanManager;
import jakarta.enterprise.inject.spi.BeforeBeanDiscovery;
import jakarta.enterprise.inject.spi.DeploymentException;
import jakarta.enterprise.inject.spi.Extension;
import jakarta.enterprise.inject.spi.InjectionPoint;
import jakarta.enterprise.inject.spi.ProcessAnnotatedType;
import jakarta.enterprise.inject.spi.ProcessBean;
import jakarta.enterprise.inject.spi.ProcessInjectionPoint;
import jakarta.inject.Singleton;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The portable extension behind {@code @Replicated} beans, in one of two {@link Mode}s.
 * <p>
 * <b>Client mode.</b> Every concrete {@code @Replicated} bean class is vetoed, and each contract
 * interface is served by a {@code @Dependent} synthetic bean whose instance is the
 * {@link BulwarkClient#proxy} of the application's {@link BulwarkClient} bean (or, if it has none, of one
 * connected from the configuration, {@link BulwarkClient#fromConfiguration}: MicroProfile Config, bulwark.properties or system properties). Contracts are collected
 * from the vetoed classes, from interfaces the container shows us, and from injection points: with
 * {@code bean-discovery-mode="annotated"} (the CDI 4 default) an interface is never a discovered type,
 * so {@code ProcessInjectionPoint} is the only place it is seen. Injecting a {@code @Replicated} bean
 * class instead of its interface is a deployment error that says so.
 * <p>
 * <b>Replica mode.</b> The bean classes stay; the helpers {@link ReplicaTx} (type {@code Tx}),
 * {@link AgreedClock} and {@link CurrentCaller} are added; and deployment fails, naming the bean and
 * the injection point, when a replicated bean injects anything else than those and other contracts,
 * keeps state in its fields, or has a scope a replica lacks ({@link DeterminismRules}).
 * {@link #replicatedBeans} gives the beans to run (see {@code replica.ReplicatedStore}).
 */
public class BulwarkExtension implements Extension {
    // Weld may fire the discovery events from several threads: concurrent collections, a volatile flag.
    private volatile Mode mode;
    private final ConcurrentSkipListMap<String, Class<?>> contracts = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<String, Class<?>> repositories = new ConcurrentSkipListMap<>();
    private final ConcurrentSkipListMap<String, Bean<?>> replicated = new ConcurrentSkipListMap<>();
    private final java.util.Queue<String> problems = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private volatile boolean clientBeanProvided;
    /** The application's BulwarkClient beans (see the fallback in {@link #afterDiscovery}). */
    private final java.util.Queue<Bean<?>> providedClients = new java.util.concurrent.ConcurrentLinkedQueue<>();

    /** The mode this container runs in (decided when discovery begins). */
    public Mode mode() { return mode; }

    void begin(@Observes BeforeBeanDiscovery bbd, BeanManager bm) {
        mode = Mode.current();
        if (mode == Mode.REPLICA) {
            bbd.addAnnotatedType(bm.createAnnotatedType(ReplicaTx.class), ReplicaTx.class.getName());
            bbd.addAnnotatedType(bm.createAnnotatedType(AgreedClock.class), AgreedClock.class.getName());
            bbd.addAnnotatedType(bm.createAnnotatedType(CurrentCaller.class), CurrentCaller.class.getName());
        } else if (healthApiPresent()) {
            // By name: QuorumReadiness links against MicroProfile Health, an optional dependency.
            try {
                Class<?> readiness = Class.forName(READINESS_CHECK, false, BulwarkExtension.class.getClassLoader());
                bbd.addAnnotatedType(bm.createAnnotatedType(readiness), READINESS_CHECK);
                readinessCheck = true;
            } catch (ClassNotFoundException | LinkageError e) {
                problems.add("cannot add the Bulwark readiness check " + READINESS_CHECK + ": " + e);
            }
        }
    }

    /** Whether this container has the readiness check (which needs a BulwarkClient even without contracts). */
    private volatile boolean readinessCheck;
    private static final String READINESS_CHECK = "io.bulwark.jakarta.health.QuorumReadiness";

    /** Whether the MicroProfile Health API is visible to the adapter (the server provides it, or the application bundles it). */
    static boolean healthApiPresent() {
        try {
            Class.forName("org.eclipse.microprofile.health.Readiness", false, BulwarkExtension.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    <T> void type(@Observes ProcessAnnotatedType<T> pat) {
        Class<T> c = pat.getAnnotatedType().getJavaClass();
        if (Repositories.claims(c)) {
            repositories.put(c.getName(), c);
            return;
        }
        if (c.isInterface() && c.isAnnotationPresent(Replicated.class)) {
            contracts.put(c.getName(), c);
            return;
        }
        if (!Contract.isReplicatedBean(c)) return;
        for (Class<?> i : Contract.contractsOf(c)) contracts.put(i.getName(), i);
        if (mode == Mode.CLIENT) {
            pat.veto();   // runs on the replicas; here its contracts are proxies
        } else {
            try {
                DeterminismRules.checkBeanClass(c);
                if (Contract.contractsOf(c).isEmpty())
                    problems.add(c.getName() + " is @Replicated but implements no interface: declare its operations in an interface");
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage());
            }
        }
    }

    <T, X> void injectionPoint(@Observes ProcessInjectionPoint<T, X> pip) {
        InjectionPoint ip = pip.getInjectionPoint();
        Type type = ip.getType();
        if (type instanceof Class<?> c) {
            if (c.isInterface() && c.isAnnotationPresent(Replicated.class)) contracts.put(c.getName(), c);
            else if (Repositories.claims(c)) repositories.put(c.getName(), c);
            else if (mode == Mode.CLIENT && Contract.isReplicatedBean(c))
                pip.addDefinitionError(new DeploymentException(where(ip) + " injects the @Replicated bean class " + c.getName()
                        + ", which runs on the replicas only: inject its interface " + Contract.contractsOf(c) + " instead"));
        }
        Bean<?> owner = ip.getBean();
        Class<?> ownerClass = owner != null ? owner.getBeanClass() : ip.getMember() != null ? ip.getMember().getDeclaringClass() : null;
        if (mode == Mode.REPLICA && ownerClass != null && Contract.isReplicatedBean(ownerClass) && !DeterminismRules.injectable(type))
            pip.addDefinitionError(new DeploymentException(DeterminismRules.notInjectable(ownerClass, where(ip), type)));
    }

    <T> void bean(@Observes ProcessBean<T> pb) {
        Bean<T> bean = pb.getBean();
        if (bean.getTypes().contains(BulwarkClient.class)) {
            clientBeanProvided = true;
            providedClients.add(bean);
        }
        if (mode != Mode.REPLICA || !Contract.isReplicatedBean(bean.getBeanClass()) || !bean.getTypes().contains(bean.getBeanClass())) return;
        Class<? extends java.lang.annotation.Annotation> scope = bean.getScope();
        if (scope != ApplicationScoped.class && scope != Singleton.class && scope != Dependent.class)
            pb.addDefinitionError(new DeploymentException("@Replicated bean " + bean.getBeanClass().getName() + " has scope @" + scope.getSimpleName()
                    + ": a replica has no requests or sessions; use @ApplicationScoped or @Dependent"));
        replicated.put(bean.getBeanClass().getName(), bean);
    }

    void afterDiscovery(@Observes AfterBeanDiscovery abd, BeanManager bm) {
        for (String p : problems) abd.addDefinitionError(new DeploymentException(p));
        if (mode != Mode.CLIENT) return;
        if (!clientBeanProvided && (readinessCheck || !(contracts.isEmpty() && repositories.isEmpty()))) {
            abd.addBean().beanClass(BulwarkClient.class).types(BulwarkClient.class, Object.class).scope(Singleton.class)
                    .qualifiers(Default.Literal.INSTANCE, jakarta.enterprise.inject.Any.Literal.INSTANCE)
                    .produceWith(i -> {
                        try {
                            return BulwarkClient.fromConfiguration();
                        } catch (java.io.IOException e) {
                            throw new IllegalStateException(e.getMessage(), e);
                        }
                    })
                    .disposeWith((client, i) -> client.close());
        }
        for (Class<?> contract : contracts.values()) {
            try {
                Contract.of(contract);
            } catch (IllegalArgumentException e) {
                abd.addDefinitionError(new DeploymentException(e.getMessage(), e));
                continue;
            }
            abd.addBean().beanClass(contract).types(contract, Object.class).scope(Dependent.class)
                    .qualifiers(Default.Literal.INSTANCE, jakarta.enterprise.inject.Any.Literal.INSTANCE)
                    .produceWith(i -> {
                        BulwarkClient client = client(i.select(BulwarkClient.class), bm);
                        if (client == null) throw new IllegalStateException("the application's BulwarkClient bean is null: no proxy of " + contract.getName());
                        return client.proxy(contract);
                    });
        }
        // Jakarta Data: each repository Bulwark claims is an injectable @Default bean typed to its interface (the spec's
        // requirement of a provider); repositories of other providers were never collected, so theirs stay theirs.
        for (Class<?> repository : repositories.values()) {
            try {
                RepositoryModel.of(repository);
            } catch (IllegalArgumentException e) {
                abd.addDefinitionError(new DeploymentException(e.getMessage(), e));
                continue;
            }
            abd.addBean().beanClass(repository).types(repository, Object.class).scope(Dependent.class)
                    .qualifiers(Default.Literal.INSTANCE, jakarta.enterprise.inject.Any.Literal.INSTANCE)
                    .produceWith(i -> {
                        // as for contracts: on Payara 6 the application's BulwarkClient producer is not visible by type from here
                        BulwarkClient client = client(i.select(BulwarkClient.class), bm);
                        if (client == null) throw new IllegalStateException("the application's BulwarkClient bean is null: no proxy of " + repository.getName());
                        return client.proxy(repository);
                    });
        }
    }

    /**
     * The container's BulwarkClient as seen from a bean of the adapter's archive ({@code found}: its lookup by type).
     * Payara 6: a synthetic bean belongs to the adapter jar's bean archive, which does not see the beans of the WAR's
     * WEB-INF/classes, so an application's BulwarkClient producer there is unsatisfied from here: ask for that very bean
     * (seen in ProcessBean) instead of resolving by type.
     */
    public BulwarkClient client(jakarta.enterprise.inject.Instance<BulwarkClient> found, BeanManager bm) {
        Bean<?> provided = providedClients.peek();
        if (!found.isUnsatisfied() || providedClients.size() != 1) return found.get();
        return (BulwarkClient) bm.getReference(provided, BulwarkClient.class, bm.createCreationalContext(provided));
    }

    /** The Jakarta Data repositories seen that Bulwark implements (client mode: each has a proxy bean). */
    public Set<Class<?>> repositories() { return Set.copyOf(repositories.values()); }

    /** The contract interfaces seen (client mode: each has a proxy bean). */
    public Set<Class<?>> contracts() { return Set.copyOf(contracts.values()); }

    /**
     * Replica mode: the replicated beans with a contextual reference of each, in class-name order (the
     * same at every replica). Call after the container has started.
     */
    public List<ReplicatedBean> replicatedBeans(BeanManager bm) {
        if (mode != Mode.REPLICA) throw new IllegalStateException("this container runs in " + mode + " mode, not replica mode");
        List<ReplicatedBean> out = new ArrayList<>();
        List<Bean<?>> beans = new ArrayList<>(replicated.values());
        beans.sort(Comparator.comparing(b -> b.getBeanClass().getName()));
        for (Bean<?> b : beans) {
            Object instance = bm.getReference(b, b.getBeanClass(), bm.createCreationalContext(b));
            out.add(new ReplicatedBean(b.getBeanClass(), instance));
        }
        return out;
    }

    private static String where(InjectionPoint ip) {
        return ip.getMember() == null ? String.valueOf(ip) : ip.getMember().getDeclaringClass().getName() + "." + ip.getMember().getName();
    }
}
