package io.bulwark.store;

import io.bulwark.store.access.AccessPolicy;
import io.bulwark.store.codec.DeterministicCodec;
import io.bulwark.store.operation.OperationRegistry;
import io.bulwark.store.tx.EntityStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Everything that defines a store: its entity classes, the value classes its entities and operation
 * arguments use, its operations and its access policy. From them it builds the codec (entity and
 * value classes registered) and checks every declaration at {@link Builder#build}: entity models, operation
 * signatures, the operations' parameter constraints and patterns. It hands out its declarations and the
 * value codec (what a client encodes arguments and decodes results with), not the replica side: the
 * service ({@code service.StoreService}) builds its own entity store and operation registry from them.
 * <p>
 * Replicas and clients must build their definitions from the same classes (in any order: the codec's
 * class ids derive from class names, see {@code codec.TypeIds}, and the stored schema is sorted by
 * name). Clients need the classes but not the operation objects or the policy. Immutable.
 */
public final class StoreDefinition {
    private final List<Class<?>> entityClasses;
    private final List<Class<?>> valueClasses;
    private final List<Object> operationObjects;
    private final DeterministicCodec codec;
    private final int operationCount;
    private final AccessPolicy accessPolicy;
    private final long workBudget;
    private final java.util.Locale validationLocale;
    private final io.bulwark.store.xa.XaLimits xaLimits;

    private StoreDefinition(Builder b) {
        this.entityClasses = List.copyOf(b.entities);
        this.valueClasses = List.copyOf(b.values);
        this.operationObjects = List.copyOf(b.operationObjects);
        this.validationLocale = b.validationLocale;
        DeterministicCodec.Builder codec = DeterministicCodec.builder();
        if (b.maxDepth > 0) codec.maxDepth(b.maxDepth);
        if (b.maxBytes > 0) codec.maxBytes(b.maxBytes);
        codec.register(entityClasses.toArray(Class<?>[]::new));
        codec.register(valueClasses.toArray(Class<?>[]::new));
        this.codec = codec.build();
        // Built here to check every declaration, then dropped: a service builds its own from the same declarations.
        EntityStore entityStore = new EntityStore(this.codec, entityClasses, validationLocale);
        OperationRegistry operations = OperationRegistry.of(operationObjects);
        this.operationCount = operations.operations().size();
        // Parameter constraints declared against Bean Validation's rules fail here, not at the first request;
        // so do patterns the linear-time matcher cannot run.
        for (var op : operations.operations().values()) entityStore.validator().constrainsParameters(op.target().getClass(), op.method());
        for (Class<?> c : entityClasses) entityStore.validator().checkPatterns(c);
        for (Class<?> c : valueClasses) entityStore.validator().checkPatterns(c);
        for (Object o : operationObjects) entityStore.validator().checkPatterns(o.getClass());
        for (var op : operations.operations().values()) entityStore.validator().checkPatterns(op.target().getClass());
        // A field the codec can never store fails here with what to use instead, not at the first write on the replicas.
        List<Class<?>> registered = new ArrayList<>(entityClasses);
        registered.addAll(valueClasses);
        for (Class<?> c : registered) io.bulwark.store.schema.StorableTypes.check(c, this.codec, registered);
        this.workBudget = b.workBudget;
        this.accessPolicy = b.accessPolicy;
        this.xaLimits = b.xaLimits;
    }

    public static Builder builder() { return new Builder(); }

    /** The value codec: entity and value classes registered, the limits set; replicas and clients encode with the same. */
    public DeterministicCodec codec() { return codec; }

    /** The objects whose {@code @Operation} methods the store offers, in the order given. */
    public List<Object> operationObjects() { return operationObjects; }

    /** The locale of validation messages at every replica. */
    public java.util.Locale validationLocale() { return validationLocale; }

    public AccessPolicy accessPolicy() { return accessPolicy; }

    /** The work budget of an operation that declares none ({@link io.bulwark.store.work.WorkMeter}). */
    public long workBudget() { return workBudget; }

    public List<Class<?>> entityClasses() { return entityClasses; }

    /** The bounds of XA branches ({@link io.bulwark.store.xa.XaLimits}). */
    public io.bulwark.store.xa.XaLimits xaLimits() { return xaLimits; }

    public List<Class<?>> valueClasses() { return valueClasses; }

    public static final class Builder {
        private final List<Class<?>> entities = new ArrayList<>();
        private final List<Class<?>> values = new ArrayList<>();
        private final List<Object> operationObjects = new ArrayList<>();
        private AccessPolicy accessPolicy = AccessPolicy.builder().build();
        private int maxDepth, maxBytes;
        private long workBudget = io.bulwark.store.work.WorkMeter.DEFAULT_BUDGET;
        private java.util.Locale validationLocale = java.util.Locale.ROOT;
        private io.bulwark.store.xa.XaLimits xaLimits = io.bulwark.store.xa.XaLimits.DEFAULTS;

        private Builder() {}

        /** The bounds of XA branches (default {@link io.bulwark.store.xa.XaLimits#DEFAULTS}); the same at every replica. */
        public Builder xaLimits(io.bulwark.store.xa.XaLimits limits) {
            this.xaLimits = Objects.requireNonNull(limits, "XA limits");
            return this;
        }

        /** Entity classes (annotated {@code @Entity}), registered with the codec in this order. */
        public Builder entities(Class<?>... types) {
            for (Class<?> t : types) entities.add(Objects.requireNonNull(t, "entity class"));
            return this;
        }

        /** Other classes entities, arguments or results contain (records, enums, embedded values), registered after the entities. */
        public Builder values(Class<?>... types) {
            for (Class<?> t : types) values.add(Objects.requireNonNull(t, "value class"));
            return this;
        }

        /** Objects whose {@code @Operation} methods the store offers. */
        public Builder operations(Object... objects) {
            for (Object o : objects) operationObjects.add(Objects.requireNonNull(o, "operation object"));
            return this;
        }

        /** Who the engine's clients are (default: nobody is listed, so only {@code @PermitAll} operations can be called). */
        public Builder accessPolicy(AccessPolicy policy) {
            this.accessPolicy = Objects.requireNonNull(policy, "access policy");
            return this;
        }

        /** The codec's nesting limit (default: the codec's own). */
        public Builder maxDepth(int depth) {
            if (depth <= 0) throw new IllegalArgumentException("max depth must be > 0");
            this.maxDepth = depth;
            return this;
        }

        /** The codec's size limit for one encoded value (default: the codec's own). */
        public Builder maxBytes(int bytes) {
            if (bytes <= 0) throw new IllegalArgumentException("max bytes must be > 0");
            this.maxBytes = bytes;
            return this;
        }

        /** The work budget of every operation that declares none with {@code @Operation(budget)}. */
        public Builder workBudget(long units) {
            if (units <= 0) throw new IllegalArgumentException("a work budget must be > 0");
            this.workBudget = units;
            return this;
        }

        /**
         * The locale of validation messages at every replica (default {@link java.util.Locale#ROOT}: the
         * bundles without a language suffix), whatever each replica's default locale is.
         */
        public Builder validationLocale(java.util.Locale locale) {
            this.validationLocale = Objects.requireNonNull(locale, "validation locale");
            return this;
        }

        /** Builds codec, entity store and operation registry; IllegalArgumentException for a malformed class or operation. */
        public StoreDefinition build() { return new StoreDefinition(this); }
    }

    @Override public String toString() {
        return "StoreDefinition[" + entityClasses.size() + " entities, " + operationCount + " operations, " + accessPolicy + "]";
    }
}
