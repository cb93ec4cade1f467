package io.bulwark.jakarta.data;

import io.bulwark.jakarta.replica.CurrentTx;
import io.bulwark.store.access.Access;
import io.bulwark.store.access.PermitAll;
import io.bulwark.store.access.Roles;
import io.bulwark.store.operation.OperationMethod;
import io.bulwark.store.operation.OperationSource;
import java.lang.reflect.AnnotatedElement;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * The store operations of repositories: one per repository method, named as the client names it
 * ({@link RepositoryMethod#operationName}), read-only when it only reads, run by a
 * {@link QueryExecutor} with the transaction current. Who may call: {@code @Roles}/{@code @PermitAll}
 * on the method, else on the repository interface, else {@code defaultAccess} (deny for applications,
 * as for {@code @Replicated} beans).
 */
public final class RepositoryOperations implements OperationSource {
    private static final Method EXECUTE;

    static {
        try {
            EXECUTE = QueryExecutor.class.getMethod("execute", List.class, List.class, Window.class);
        } catch (NoSuchMethodException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final List<OperationMethod> operations;

    private RepositoryOperations(List<OperationMethod> operations) { this.operations = List.copyOf(operations); }

    /** The operations of {@code repositories}; IllegalArgumentException naming the first method Bulwark cannot implement. */
    public static RepositoryOperations of(Collection<Class<?>> repositories, Access defaultAccess) {
        List<OperationMethod> ops = new ArrayList<>();
        for (Class<?> r : repositories) {
            RepositoryModel model = RepositoryModel.of(r);
            for (RepositoryMethod m : model.methods()) {
                Access access = declared(m.method(), "method " + m.method().getName());
                if (access == null) access = declared(r, "repository " + r.getName());
                if (access == null) access = defaultAccess;
                ops.add(new OperationMethod(m.operationName(), m.readOnly(), access, new QueryExecutor(m), EXECUTE,
                        List.of(List.class, List.class, Window.class), 0, CurrentTx.SCOPE));
            }
        }
        return new RepositoryOperations(ops);
    }

    /** The classes the operations exchange besides the entities: what the codec must know on both sides. */
    public static List<Class<?>> wireTypes() { return List.of(SortKey.class, Window.class, Window.Mode.class, Outcome.class); }

    private static Access declared(AnnotatedElement e, String where) {
        Roles roles = e.getAnnotation(Roles.class);
        boolean permitAll = e.isAnnotationPresent(PermitAll.class);
        if (roles != null && permitAll) throw new IllegalArgumentException(where + " declares both @Roles and @PermitAll");
        if (permitAll) return new Access.Everyone();
        return roles == null ? null : new Access.AnyRole(Set.of(roles.value()));
    }

    @Override public List<OperationMethod> operations() { return operations; }

    @Override public String toString() { return "RepositoryOperations[" + operations.size() + "]"; }
}
