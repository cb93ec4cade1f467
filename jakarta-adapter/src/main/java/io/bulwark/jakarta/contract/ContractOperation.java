package io.bulwark.jakarta.contract;

import java.lang.reflect.Method;

/** One operation of a contract: the interface method, its stable name, and whether clients send it read-only. */
public record ContractOperation(Class<?> contract, Method method, String name, boolean readOnly) {

    /** {@code fqcn#method(paramType,...)}, for messages. */
    public String signature() { return OperationNames.signature(contract, method); }
}
