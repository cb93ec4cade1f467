package io.bulwark.jakarta.replica;

import io.bulwark.jakarta.ReadOnly;
import io.bulwark.jakarta.contract.Contract;
import io.bulwark.jakarta.contract.ContractOperation;
import io.bulwark.store.access.Access;
import io.bulwark.store.operation.OperationMethod;
import io.bulwark.store.operation.OperationSource;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.List;

/**
 * The store operations of replicated beans: for each contract a bean implements, each contract method
 * under its stable name ({@code contract.OperationNames}), invoked on the bean's implementation with the
 * transaction made current ({@link CurrentTx#SCOPE}). Read-only if the contract's method or the bean's
 * is {@link ReadOnly}. Access: the bean method's {@code @Roles}/{@code @PermitAll}, else its class's,
 * else the contract method's or interface's; nothing declared is nobody.
 */
public final class ReplicatedOperations implements OperationSource {
    private final List<OperationMethod> operations;

    private ReplicatedOperations(List<OperationMethod> operations) { this.operations = List.copyOf(operations); }

    public static ReplicatedOperations of(List<ReplicatedBean> beans) {
        List<OperationMethod> ops = new ArrayList<>();
        for (ReplicatedBean bean : beans) {
            Class<?> type = bean.beanClass();
            DeterminismRules.checkBeanClass(type);
            List<Class<?>> contracts = Contract.contractsOf(type);
            if (contracts.isEmpty())
                throw new IllegalArgumentException(type.getName() + " is @Replicated but implements no interface: declare its operations in an "
                        + "interface (clients call it through that interface)");
            for (Class<?> c : contracts) {
                for (ContractOperation op : Contract.of(c).operations().values()) {
                    Method impl;
                    try {
                        impl = type.getMethod(op.method().getName(), op.method().getParameterTypes());
                    } catch (NoSuchMethodException e) {
                        throw new IllegalArgumentException(type.getName() + " does not implement " + op.signature(), e);
                    }
                    if (!impl.trySetAccessible()) throw new IllegalArgumentException(type.getName() + "." + impl.getName() + " is not accessible (module not open?)");
                    Access access = Access.of(impl);
                    if (access instanceof Access.DenyAll) access = Access.of(op.method());
                    boolean readOnly = op.readOnly() || impl.isAnnotationPresent(ReadOnly.class);
                    ops.add(new OperationMethod(op.name(), readOnly, access, bean.instance(), impl, List.of(impl.getParameterTypes()), 0,
                            CurrentTx.SCOPE));
                }
            }
        }
        return new ReplicatedOperations(ops);
    }

    @Override public List<OperationMethod> operations() { return operations; }

    @Override public String toString() { return "ReplicatedOperations[" + operations.size() + "]"; }
}
