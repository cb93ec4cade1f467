package io.bulwark.jakarta.replica;

import io.bulwark.jakarta.contract.CodecTypes;
import io.bulwark.jakarta.contract.Contract;
import io.bulwark.jakarta.data.Repositories;
import io.bulwark.jakarta.data.RepositoryOperations;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.access.Access;
import java.util.Collection;
import java.util.List;

/**
 * The store definition a replica runs for a set of replicated beans: the entity and value classes their
 * contracts exchange ({@link CodecTypes}) plus {@code moreTypes} (entities an operation uses but no
 * signature names), and their operations ({@link ReplicatedOperations}). The caller adds the access
 * policy and limits and builds it; {@code build()} checks everything (field types the codec refuses
 * included).
 */
public final class ReplicatedStore {
    private ReplicatedStore() {}

    public static StoreDefinition.Builder definition(List<ReplicatedBean> beans, Collection<Class<?>> moreTypes) {
        return definition(beans, moreTypes, List.of(), new Access.DenyAll());
    }

    /**
     * The same with the operations of Jakarta Data {@code repositories} (one per repository method, see
     * {@code data.RepositoryOperations}); a repository method that declares no access rule gets
     * {@code repositoryDefault}.
     */
    public static StoreDefinition.Builder definition(List<ReplicatedBean> beans, Collection<Class<?>> moreTypes,
                                                     Collection<Class<?>> repositories, Access repositoryDefault) {
        ReplicatedOperations operations = ReplicatedOperations.of(beans);
        CodecTypes types = new CodecTypes();
        for (ReplicatedBean b : beans) {
            for (Class<?> c : Contract.contractsOf(b.beanClass())) types.addContract(Contract.of(c));
            io.bulwark.jakarta.Replicated r = b.beanClass().getAnnotation(io.bulwark.jakarta.Replicated.class);
            if (r != null) for (Class<?> t : r.types()) types.addClass(t);
        }
        for (Class<?> t : moreTypes) types.addClass(t);
        CodecTypes data = Repositories.codecTypes(repositories);
        for (Class<?> t : data.entities()) types.addClass(t);
        for (Class<?> t : data.values()) types.addClass(t);
        StoreDefinition.Builder b = StoreDefinition.builder()
                .entities(types.entities().toArray(Class<?>[]::new))
                .values(types.values().toArray(Class<?>[]::new))
                .operations(operations);
        if (!repositories.isEmpty()) b.operations(RepositoryOperations.of(repositories, repositoryDefault));
        return b;
    }
}
