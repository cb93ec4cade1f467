package io.bulwark.jakarta.replica;

import java.util.Objects;

/** A replicated bean as a replica runs it: its class and the instance (a CDI contextual reference) its operations are invoked on. */
public record ReplicatedBean(Class<?> beanClass, Object instance) {
    public ReplicatedBean {
        Objects.requireNonNull(beanClass, "bean class");
        Objects.requireNonNull(instance, "instance");
        if (!beanClass.isInstance(instance)) throw new IllegalArgumentException(instance.getClass().getName() + " is not a " + beanClass.getName());
    }
}
