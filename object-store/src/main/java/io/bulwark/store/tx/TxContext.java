package io.bulwark.store.tx;

import io.bulwark.store.work.WorkMeter;
import io.bulwark.store.BadRequestException;
import io.bulwark.store.Caller;
import io.bulwark.store.EntityExistsException;
import io.bulwark.store.NotFoundException;
import io.bulwark.store.OptimisticLockException;
import io.bulwark.store.StoreException;
import io.bulwark.store.Tx;
import io.bulwark.store.ValidationException;
import io.bulwark.store.codec.CodecException;
import io.bulwark.store.index.BPlusTree;
import io.bulwark.store.key.KeyEncoding;
import io.bulwark.store.page.PageOverlay;
import io.bulwark.store.schema.EntityModel;
import io.bulwark.store.schema.Schema;
import io.bulwark.store.storage.Storage;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * One operation's transaction: a private copy-on-write {@link PageOverlay} of the state, the storage
 * opened over it, and the entities the operation holds (one managed instance per id).
 * <p>
 * Persists and removes go to the overlay at once; changes to managed instances are found by encoding
 * them and comparing with the record last written, and are written before each query (so queries see
 * them) and at commit. Nothing reaches the base pages before {@link #commit}, which validates every
 * touched entity, writes the changes and only then copies the changed pages into the base (calling the
 * engine's {@code modify} for exactly those). Any failure leaves the base as it was. Commit is two
 * steps, {@link #prepare} and {@link #publish}, so that a caller can encode the operation's result
 * between them, once versions are final but before anything reaches the base.
 * <p>
 * A blank state is formatted, with the schema stored, by the first transaction that writes, inside
 * that transaction: formatting is then part of an agreed operation at every replica.
 * <p>
 * Not thread-safe: one operation runs in one thread.
 */
public final class TxContext implements Tx {
    /** The most entities one query may return; larger results must be read in pages with {@link #range}. */
    public static final int MAX_RESULTS = 10_000;

    private enum State { ACTIVE, FAILED, PREPARED, DONE }

    private final EntityStore store;
    private final PageOverlay overlay;
    private final Caller caller;
    private final long agreedMillis;
    private final long randomSeed;
    private final boolean readOnly;
    private final WorkMeter meter;
    private Storage storage;
    private RandomGenerator random;
    private State state = State.ACTIVE;
    private boolean overlayClosed;
    private RuntimeException failure;

    /** Managed entities by (entity name, id key), in the order they became managed: writes follow this order. */
    private final Map<EntityKey, Managed> managed = new LinkedHashMap<>();
    private final Map<Object, Managed> byInstance = new IdentityHashMap<>();
    /** Ids looked up and not found, and entity types read as a whole: with the managed entities, the {@link #footprint}. */
    private final Set<Footprint.Key> absentReads = new java.util.TreeSet<>();
    private final Set<String> typeReads = new java.util.TreeSet<>();

    private record EntityKey(String entity, ByteBuffer id) {
        EntityKey(String entity, byte[] id) { this(entity, ByteBuffer.wrap(id)); }
    }

    TxContext(EntityStore store, PageOverlay overlay, Caller caller, long agreedMillis, long randomSeed, boolean readOnly,
              WorkMeter meter) {
        this.store = store;
        this.meter = meter;
        this.overlay = overlay;
        this.caller = Objects.requireNonNull(caller, "caller");
        this.agreedMillis = agreedMillis;
        this.randomSeed = randomSeed;
        this.readOnly = readOnly;
        this.storage = Storage.isFormatted(overlay) ? Storage.open(overlay) : null;
    }

    public boolean readOnly() { return readOnly; }

    // ---- reads

    @Override
    public <T> T find(Class<T> type, Object id) {
        return run(() -> {
            EntityModel m = store.modelFor(type);
            return type.cast(load(m, EntityIndexes.idKey(m, coerce(m, m.idField().getName(), m.idType(), id, false)), -1));
        });
    }

    @Override
    public <T> T get(Class<T> type, Object id) {
        return run(() -> {
            T found = find(type, id);
            if (found == null) throw new NotFoundException("no " + store.modelFor(type).name() + " with id " + id);
            return found;
        });
    }

    @Override
    public <T> List<T> findBy(Class<T> type, String field, Object value) {
        return run(() -> {
            EntityModel m = store.modelFor(type);
            if (m.idField().getName().equals(field)) {
                T one = find(type, value);
                return one == null ? List.of() : List.of(one);
            }
            EntityModel.IndexModel ix = index(m, field);
            byte[] prefix = KeyEncoding.encodeValue(ix.field().getType(), coerce(m, field, ix.field().getType(), value, true));
            return scanIndex(type, m, ix, prefix, KeyEncoding.prefixEnd(prefix), false, 0, MAX_RESULTS + 1, true);
        });
    }

    @Override
    public <T> List<T> findByAfter(Class<T> type, String field, Object value, boolean descending, Object afterId, int limit) {
        return run(() -> {
            EntityModel m = store.modelFor(type);
            if (limit < 0 || limit > MAX_RESULTS)
                throw new BadRequestException("findByAfter: limit must be in 0.." + MAX_RESULTS + ", got " + limit);
            if (m.idField().getName().equals(field)) {   // one entity at most: it follows the position or it does not
                T one = find(type, value);
                if (one == null || limit == 0) return List.of();
                if (afterId == null) return List.of(one);
                byte[] id = EntityIndexes.idKey(m, coerce(m, field, m.idType(), value, false));
                byte[] after = EntityIndexes.idKey(m, coerce(m, field, m.idType(), afterId, false));
                int c = Arrays.compareUnsigned(id, after);
                return (descending ? c < 0 : c > 0) ? List.of(one) : List.of();
            }
            EntityModel.IndexModel ix = index(m, field);
            // The value's entries are the keys (value, id) between its prefix and the prefix's end, in id order.
            byte[] prefix = KeyEncoding.encodeValue(ix.field().getType(), coerce(m, field, ix.field().getType(), value, true));
            byte[] end = KeyEncoding.prefixEnd(prefix);
            if (afterId == null) return scanIndex(type, m, ix, prefix, end, descending, 0, limit, false);
            byte[] position = KeyEncoding.composite(prefix, EntityIndexes.idKey(m, coerce(m, m.idField().getName(), m.idType(), afterId, false)));
            if (position.length > BPlusTree.MAX_KEY_BYTES)
                throw new BadRequestException("findByAfter: the position takes " + position.length + " key bytes, more than any entry ("
                        + BPlusTree.MAX_KEY_BYTES + ")");
            byte[][] bounds = after(position, prefix, end, descending);
            return bounds == null ? List.of() : scanIndex(type, m, ix, bounds[0], bounds[1], descending, 0, limit, false);
        });
    }

    @Override
    public <T> Optional<T> findUnique(Class<T> type, String field, Object value) {
        return run(() -> {
            EntityModel m = store.modelFor(type);
            if (m.idField().getName().equals(field)) return Optional.ofNullable(find(type, value));
            if (!index(m, field).unique())
                throw new BadRequestException("entity " + m.name() + ": field '" + field + "' has no unique index");
            if (value == null) throw new BadRequestException("entity " + m.name() + ": null is not a unique value of '" + field + "'");
            List<T> found = findBy(type, field, value);
            return found.isEmpty() ? Optional.empty() : Optional.of(found.get(0));
        });
    }

    @Override
    public <T> List<T> range(Class<T> type, String field, Object fromInclusive, Object toExclusive,
                             boolean descending, long offset, int limit) {
        return run(() -> {
            EntityModel m = store.modelFor(type);
            if (offset < 0 || limit < 0 || limit > MAX_RESULTS)
                throw new BadRequestException("range: offset must be >= 0 and limit in 0.." + MAX_RESULTS + ", got " + offset + " and " + limit);
            if (m.idField().getName().equals(field)) {
                byte[] from = fromInclusive == null ? null : EntityIndexes.idKey(m, coerce(m, field, m.idType(), fromInclusive, false));
                byte[] to = toExclusive == null ? null : EntityIndexes.idKey(m, coerce(m, field, m.idType(), toExclusive, false));
                return scanPrimary(type, m, from, to, descending, offset, limit);
            }
            EntityModel.IndexModel ix = index(m, field);
            Class<?> ft = ix.field().getType();
            byte[] from = fromInclusive == null ? null : KeyEncoding.encodeValue(ft, coerce(m, field, ft, fromInclusive, false));
            byte[] to = toExclusive == null ? null : KeyEncoding.encodeValue(ft, coerce(m, field, ft, toExclusive, false));
            return scanIndex(type, m, ix, from, to, descending, offset, limit, false);
        });
    }

    @Override
    public <T> List<T> rangeAfter(Class<T> type, String field, Object fromInclusive, Object toExclusive,
                                  boolean descending, Object afterValue, Object afterId, int limit) {
        return run(() -> {
            EntityModel m = store.modelFor(type);
            if (limit < 0 || limit > MAX_RESULTS)
                throw new BadRequestException("rangeAfter: limit must be in 0.." + MAX_RESULTS + ", got " + limit);
            if (afterId == null && afterValue != null)
                throw new BadRequestException("rangeAfter: a position needs the id of the last entity returned, not only its value");
            String idName = m.idField().getName();
            byte[] id = afterId == null ? null : EntityIndexes.idKey(m, coerce(m, idName, m.idType(), afterId, false));
            if (idName.equals(field)) {
                if (id != null && afterValue != null
                        && !Arrays.equals(id, EntityIndexes.idKey(m, coerce(m, field, m.idType(), afterValue, false))))
                    throw new BadRequestException("rangeAfter: ordered by the id, the position's value must be null or its id");
                byte[] from = fromInclusive == null ? null : EntityIndexes.idKey(m, coerce(m, field, m.idType(), fromInclusive, false));
                byte[] to = toExclusive == null ? null : EntityIndexes.idKey(m, coerce(m, field, m.idType(), toExclusive, false));
                if (id == null) return scanPrimary(type, m, from, to, descending, 0, limit);
                byte[][] bounds = after(id, from, to, descending);
                return bounds == null ? List.of() : scanPrimary(type, m, bounds[0], bounds[1], descending, 0, limit);
            }
            EntityModel.IndexModel ix = index(m, field);
            Class<?> ft = ix.field().getType();
            byte[] from = fromInclusive == null ? null : KeyEncoding.encodeValue(ft, coerce(m, field, ft, fromInclusive, false));
            byte[] to = toExclusive == null ? null : KeyEncoding.encodeValue(ft, coerce(m, field, ft, toExclusive, false));
            if (id == null) return scanIndex(type, m, ix, from, to, descending, 0, limit, false);
            // An index entry's key is (value, id): the position is exactly the key the last entity's entry has.
            byte[] position = KeyEncoding.composite(KeyEncoding.encodeValue(ft, coerce(m, field, ft, afterValue, true)), id);
            if (position.length > BPlusTree.MAX_KEY_BYTES)
                throw new BadRequestException("rangeAfter: the position takes " + position.length + " key bytes, more than any entry ("
                        + BPlusTree.MAX_KEY_BYTES + ")");
            byte[][] bounds = after(position, from, to, descending);
            return bounds == null ? List.of() : scanIndex(type, m, ix, bounds[0], bounds[1], descending, 0, limit, false);
        });
    }

    /**
     * The bounds [from, to) narrowed to the keys after {@code position} in the scan's direction, or null
     * if no key can follow it. Ascending, the first key after it is position + 0x00 — or, for a key of the
     * greatest length, the end of its prefix, as no longer key exists.
     */
    private static byte[][] after(byte[] position, byte[] from, byte[] to, boolean descending) {
        if (descending) return new byte[][] {from, to == null || Arrays.compareUnsigned(position, to) < 0 ? position : to};
        byte[] next = position.length < BPlusTree.MAX_KEY_BYTES ? Arrays.copyOf(position, position.length + 1) : KeyEncoding.prefixEnd(position);
        if (next == null) return null;
        return new byte[][] {from == null || Arrays.compareUnsigned(next, from) > 0 ? next : from, to};
    }

    private <T> List<T> scanPrimary(Class<T> type, EntityModel m, byte[] from, byte[] to, boolean descending, long offset, int limit) {
        flushBeforeQuery(m);
        typeReads.add(m.name());
        return scan(readTree(EntityIndexes.primaryTree(m)), from, to, descending, offset, limit,
                e -> type.cast(load(m, e.getKey(), rid(e.getValue()))));
    }

    /** Entries of an index in [from, to); with {@code capped}, more than MAX_RESULTS is a BadRequestException. */
    private <T> List<T> scanIndex(Class<T> type, EntityModel m, EntityModel.IndexModel ix, byte[] from, byte[] to,
                                  boolean descending, long offset, int limit, boolean capped) {
        flushBeforeQuery(m);
        typeReads.add(m.name());
        List<T> out = scan(readTree(EntityIndexes.indexTree(m, ix)), from, to, descending, offset, limit, e -> {
            T entity = type.cast(load(m, e.getValue(), -1));
            if (entity == null)
                throw new IllegalStateException("corrupt index " + EntityIndexes.indexTree(m, ix) + ": it names an id with no entity");
            return entity;
        });
        if (capped && out.size() > MAX_RESULTS)
            throw new BadRequestException("entity " + m.name() + ": more than " + MAX_RESULTS + " entities have this '" + ix.name()
                    + "'; read them in pages with range");
        return out;
    }

    /** Up to {@code limit} entries of {@code tree} in [from, to) after skipping {@code offset}, each turned into an entity. */
    private <T> List<T> scan(BPlusTree tree, byte[] from, byte[] to, boolean descending, long offset, int limit,
                                    Function<Map.Entry<byte[], byte[]>, T> entity) {
        if (tree == null || limit == 0 || emptyRange(from, to)) return List.of();
        List<T> out = new ArrayList<>();
        long skipped = 0;
        for (Iterator<Map.Entry<byte[], byte[]>> it = tree.scan(from, to, descending); it.hasNext() && out.size() < limit; ) {
            Map.Entry<byte[], byte[]> e = it.next();
            meter.charge(WorkMeter.Kind.INDEX_STEP, 1);   // an offset walks the tree entry by entry: it is work
            if (skipped < offset) {
                skipped++;
                continue;
            }
            out.add(entity.apply(e));
        }
        return out;
    }

    private static boolean emptyRange(byte[] from, byte[] to) {
        return from != null && to != null && Arrays.compareUnsigned(from, to) >= 0;
    }

    /** The managed instance for this id (loading it if needed), or null if there is none or it was removed. */
    private Object load(EntityModel m, byte[] idKey, long knownRid) {
        Managed mg = managed.get(new EntityKey(m.name(), idKey));
        if (mg != null) return mg.removed ? null : mg.instance;
        long rid = knownRid;
        if (rid < 0) {
            BPlusTree primary = readTree(EntityIndexes.primaryTree(m));
            byte[] r = primary == null ? null : primary.get(idKey);
            if (r == null) {
                absentReads.add(new Footprint.Key(m.name(), idKey));   // an insert of this id would change the answer
                return null;
            }
            rid = rid(r);
        }
        byte[] record = storage.heap().read(rid);
        meter.charge(WorkMeter.Kind.ENTITY, 1);
        Object instance = store.records().decode(m, record);
        if (!Arrays.equals(EntityIndexes.idKey(m, m.id(instance)), idKey))
            throw new IllegalStateException("corrupt store: entity " + m.name() + " stored under another id than its own");
        mg = new Managed(m, instance, idKey, rid, m.hasVersion() ? m.version(instance) : null, record,
                EntityIndexes.keys(m, instance, idKey));
        manage(mg);
        return instance;
    }

    private void manage(Managed mg) {
        managed.put(new EntityKey(mg.model.name(), mg.idKey), mg);
        byInstance.put(mg.instance, mg);
    }

    // ---- writes

    @Override
    public void persist(Object entity) {
        run(() -> {
            EntityModel m = writable("persist", entity);
            Managed existing = byInstance.get(entity);
            if (existing != null && !existing.removed) return null; // already managed: nothing to do, as in JPA
            Storage s = storage();
            BPlusTree primary = s.tree(EntityIndexes.primaryTree(m));
            byte[] idKey;
            if (m.generatedId()) {
                // As JPA: the store generates the id; one the caller chose could take an id the sequence will hand out.
                if (!m.idUnset(entity))
                    throw new BadRequestException("entity " + m.name() + ": the id is generated, persist it with no id (got "
                            + m.id(entity) + "); to change a stored entity, merge it");
                idKey = assignId(s, primary, m, entity);
                typeReads.add(m.name());   // the type's sequence
            } else {
                if (m.id(entity) == null) throw new BadRequestException("entity " + m.name() + ": the id is null and not generated");
                idKey = EntityIndexes.idKey(m, m.id(entity));
                Managed same = managed.get(new EntityKey(m.name(), idKey));
                if (same != null && !same.removed || primary.get(idKey) != null)
                    throw new EntityExistsException("entity " + m.name() + " with id " + m.id(entity) + " already exists");
            }
            if (m.hasVersion()) m.setVersion(entity, 0);
            byte[] record = encode(m, entity);
            byte[][] keys = EntityIndexes.keys(m, entity, idKey);
            EntityIndexes.addChanged(s, m, idKey, null, keys);
            long rid = s.heap().insert(record);
            primary.put(idKey, ridBytes(rid));
            Managed mg = new Managed(m, entity, idKey, rid, m.hasVersion() ? 0L : null, record, keys);
            mg.versionBumped = true;
            mg.touched = true;
            manage(mg);
            return null;
        });
    }

    /** The next id from the entity's sequence that no entity holds (a state written before ids were refused may hold others). */
    private byte[] assignId(Storage s, BPlusTree primary, EntityModel m, Object entity) {
        boolean small = m.idType() == int.class || m.idType() == Integer.class;
        while (true) {
            long next = s.nextSequence("id:" + m.name());
            if (small && next > Integer.MAX_VALUE) throw new BadRequestException("entity " + m.name() + ": the int id sequence is exhausted");
            Object id = small ? (Object) (int) next : (Object) next;
            byte[] idKey = EntityIndexes.idKey(m, id);
            Managed same = managed.get(new EntityKey(m.name(), idKey));
            if ((same == null || same.removed) && primary.get(idKey) == null) {
                m.setId(entity, id);
                return idKey;
            }
        }
    }

    @Override
    public <T> T merge(T entity) {
        return run(() -> {
            EntityModel m = writable("merge", entity);
            Managed mine = byInstance.get(entity);
            if (mine != null && !mine.removed) return entity;
            Managed mg = storedFor(m, entity, "merge");
            EntityRecords.copyState(m, entity, mg.instance);
            mg.touched = true;
            @SuppressWarnings("unchecked") T result = (T) mg.instance;
            return result;
        });
    }

    @Override
    public void remove(Object entity) {
        run(() -> {
            EntityModel m = writable("remove", entity);
            Managed mg = byInstance.get(entity);
            if (mg == null || mg.removed) mg = storedFor(m, entity, "remove");
            Storage s = storage();
            EntityIndexes.removeChanged(s, m, mg.indexKeys, null);
            s.tree(EntityIndexes.primaryTree(m)).remove(mg.idKey);
            s.heap().delete(mg.rid);
            mg.removed = true;
            byInstance.remove(mg.instance);
            return null;
        });
    }

    /** The managed entity a detached copy stands for, after checking the copy's version. */
    private Managed storedFor(EntityModel m, Object detached, String what) {
        Object id = m.id(detached);
        if (id == null) throw new BadRequestException("entity " + m.name() + ": cannot " + what + " an entity whose id is null");
        Object stored = load(m, EntityIndexes.idKey(m, id), -1);
        if (stored == null) throw new NotFoundException("no " + m.name() + " with id " + id + " to " + what);
        Managed mg = byInstance.get(stored);
        if (m.hasVersion() && !Objects.equals(m.version(detached), mg.loadedVersion))
            throw new OptimisticLockException("entity " + m.name() + " with id " + id + ": version " + m.version(detached)
                    + " is stale, the stored version is " + mg.loadedVersion);
        return mg;
    }

    private EntityModel writable(String what, Object entity) {
        if (entity == null) throw new BadRequestException("cannot " + what + " null");
        if (readOnly) throw new BadRequestException("a read-only operation cannot " + what + " entities");
        return store.modelFor(entity.getClass());
    }

    // ---- flushing changes

    /** A managed entity whose encoding differs from its record: the new record. */
    private record Change(Managed mg, byte[] record) {}

    /** The changed managed entities (of type {@code only}, or of every type if null), in the order they became managed. */
    private List<Change> changes(EntityModel only) {
        List<Change> out = new ArrayList<>();
        for (Managed mg : managed.values()) {
            if (mg.removed || only != null && mg.model != only) continue;
            if (EntityRecords.unchangedSince(mg.model, mg.instance, mg.snapshot)) continue;   // no need to encode
            byte[] now = encode(mg.model, mg.instance);
            if (!Arrays.equals(now, mg.record)) out.add(new Change(mg, now));
        }
        return out;
    }

    /** Writes the changes: versions first, then index entries (removals before additions), then records. */
    private void apply(List<Change> changes) {
        if (changes.isEmpty()) return;
        Storage s = storage();
        List<Change> versioned = new ArrayList<>(changes.size());
        for (Change c : changes) {
            Managed mg = c.mg();
            if (mg.model.hasVersion() && !mg.versionBumped) {
                mg.model.setVersion(mg.instance, mg.loadedVersion == null ? 1 : mg.loadedVersion + 1);
                mg.versionBumped = true;
                versioned.add(new Change(mg, encode(mg.model, mg.instance)));
            } else {
                versioned.add(c);
            }
        }
        byte[][][] newKeys = new byte[versioned.size()][][];
        for (int i = 0; i < versioned.size(); i++) {
            Managed mg = versioned.get(i).mg();
            newKeys[i] = EntityIndexes.keys(mg.model, mg.instance, mg.idKey);
            if (!Arrays.equals(EntityIndexes.idKey(mg.model, mg.model.id(mg.instance)), mg.idKey))
                throw new BadRequestException("entity " + mg.model.name() + ": the id of a managed entity cannot change");
        }
        for (int i = 0; i < versioned.size(); i++) {
            Managed mg = versioned.get(i).mg();
            EntityIndexes.removeChanged(s, mg.model, mg.indexKeys, newKeys[i]);
        }
        for (int i = 0; i < versioned.size(); i++) {
            Managed mg = versioned.get(i).mg();
            EntityIndexes.addChanged(s, mg.model, mg.idKey, mg.indexKeys, newKeys[i]);
            mg.indexKeys = newKeys[i];
            s.heap().update(mg.rid, versioned.get(i).record());
            mg.record = versioned.get(i).record();
            mg.snapshot = EntityRecords.values(mg.model, mg.instance);
            mg.touched = true;
        }
    }

    /**
     * Queries see the transaction's own changes (as JPA's AUTO flush mode); a read-only one never
     * writes. Only entities of the queried type are written: the others live in other trees and cannot
     * change the answer.
     */
    private void flushBeforeQuery(EntityModel queried) {
        if (!readOnly && storage != null) apply(changes(queried));
    }

    // ---- footprint

    /**
     * What this transaction read and wrote, entity by entity ({@link Footprint}); complete once it is
     * prepared. A write of an entity whose type has a unique index reads that index: the whole type.
     */
    public Footprint footprint() {
        java.util.TreeSet<Footprint.Key> reads = new java.util.TreeSet<>(absentReads), writes = new java.util.TreeSet<>();
        java.util.TreeSet<String> types = new java.util.TreeSet<>(typeReads);
        for (Managed mg : managed.values()) {
            Footprint.Key k = new Footprint.Key(mg.model.name(), mg.idKey);
            reads.add(k);
            if (mg.touched || mg.removed) {
                writes.add(k);
                for (EntityModel.IndexModel ix : mg.model.indexes()) if (ix.unique()) types.add(mg.model.name());
            }
        }
        return new Footprint(reads, writes, types);
    }

    // ---- commit and rollback

    /**
     * Validates every entity the transaction touched, writes the changes and copies the changed pages
     * into the base: {@link #prepare} then {@link #publish}. On any failure nothing of the base is
     * modified and the failure is thrown.
     */
    public void commit() {
        prepare();
        publish();
    }

    /**
     * The first half of {@link #commit}: validates every touched entity and writes the changes into the
     * transaction's overlay — bumping {@code @Version}s on the managed instances — but modifies nothing
     * of the base. Afterwards the entities the operation holds are exactly as they will be stored, so
     * a result encoded now carries the committed versions. Then {@link #publish} or {@link #rollback}.
     * On failure the transaction is rolled back and the failure thrown.
     */
    public void prepare() {
        if (state == State.FAILED) {
            rollback();
            throw failure;
        }
        requireActive();
        try {
            List<Change> changes = changes(null);
            if (readOnly) {
                if (!changes.isEmpty()) {
                    Managed mg = changes.get(0).mg();
                    throw new BadRequestException("a read-only operation changed entity " + mg.model.name() + " with id " + mg.model.id(mg.instance));
                }
                if (!overlay.writtenPages().isEmpty())
                    throw new BadRequestException("a read-only operation wrote " + overlay.writtenPages().size() + " pages");
                state = State.PREPARED;
                return;
            }
            Set<Managed> changed = Collections.newSetFromMap(new IdentityHashMap<>());
            for (Change c : changes) changed.add(c.mg());
            List<ValidationException.Violation> violations = new ArrayList<>();
            EntityValidator.At validator = store.validator().at(now(), meter);
            for (Managed mg : managed.values())
                if (!mg.removed && (mg.touched || changed.contains(mg)))
                    violations.addAll(validator.validate(mg.model.name(), mg.instance));
            if (!violations.isEmpty()) throw new ValidationException(violations);
            apply(changes);
            if (!overlay.writtenPages().isEmpty()) storeSchema();
            state = State.PREPARED;
        } catch (RuntimeException e) {
            rollback();
            throw e instanceof CodecException ce ? badValue(ce) : e;
        }
    }

    /**
     * The second half of {@link #commit}: copies the pages {@link #prepare} changed into the base
     * (calling the engine's {@code modify} for exactly those). A read-only transaction's overlay is
     * discarded instead.
     */
    public void publish() {
        if (state != State.PREPARED) throw new IllegalStateException("publish needs a prepared transaction, this one is " + state);
        if (readOnly) {
            rollback();
            return;
        }
        overlayClosed = true;
        overlay.commit();
        state = State.DONE;
    }

    /** Discards everything the transaction did: no page of the base is modified. Idempotent. */
    public void rollback() {
        if (!overlayClosed) {
            overlayClosed = true;
            overlay.discard();
        }
        state = State.DONE;
    }

    /** Keeps the stored schema up to date with the classes (a store may gain entities between runs). */
    private void storeSchema() {
        byte[] stored = storage.meta(EntityStore.SCHEMA_META);
        if (Arrays.equals(stored, store.schemaBytes())) return;
        Schema merged = stored == null ? store.schema() : Schema.merge(Schema.decode(stored), store.schema());
        byte[] bytes = merged.encode();
        if (!Arrays.equals(bytes, stored)) storage.putMeta(EntityStore.SCHEMA_META, bytes);
    }

    // ---- agreed time, randomness, caller

    @Override
    public Instant now() { return Instant.ofEpochMilli(agreedMillis); }

    /**
     * A generator seeded from SHA-256 of the agreed seed: every replica draws the same values. It is
     * not secret — the primary chose the seed and every replica knows it — so it must not make keys
     * or tokens.
     */
    @Override
    public RandomGenerator random() {
        if (random == null) {
            try {
                byte[] d = MessageDigest.getInstance("SHA-256").digest(
                        ("bulwark-tx-random:" + randomSeed).getBytes(StandardCharsets.US_ASCII));
                random = new SplittableRandom(ByteBuffer.wrap(d).getLong());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is required of every Java platform", e);
            }
        }
        return random;
    }

    @Override
    public Caller caller() { return caller; }

    @Override
    public void charge(long steps) {
        run(() -> {
            meter.charge(WorkMeter.Kind.APPLICATION, steps);
            return null;
        });
    }

    /** The meter this transaction charges its work to. */
    public WorkMeter meter() { return meter; }

    // ---- helpers

    /** Runs a Tx method: after any failure the transaction can only be rolled back. */
    private <R> R run(Supplier<R> body) {
        if (state == State.FAILED) throw failure;
        requireActive();
        try {
            return body.get();
        } catch (RuntimeException e) {
            RuntimeException thrown = e instanceof CodecException ce ? badValue(ce) : e;
            state = State.FAILED;
            failure = thrown;
            throw thrown;
        }
    }

    private static BadRequestException badValue(CodecException e) {
        return new BadRequestException("an entity holds a value the codec cannot store: " + e.getMessage());
    }

    private void requireActive() {
        if (state == State.DONE) throw new IllegalStateException("the transaction is already committed or rolled back");
        if (state == State.PREPARED) throw new IllegalStateException("the transaction is prepared: it can only be published or rolled back");
    }

    private Storage storage() {
        if (storage == null) {
            storage = Storage.format(overlay);
            storage.putMeta(EntityStore.SCHEMA_META, store.schemaBytes());
        }
        return storage;
    }

    private BPlusTree readTree(String name) {
        return storage == null || !storage.hasTree(name) ? null : storage.tree(name);
    }

    private byte[] encode(EntityModel m, Object entity) { return store.records().encode(m, entity); }

    private static EntityModel.IndexModel index(EntityModel m, String field) {
        return m.index(field).orElseThrow(() -> new BadRequestException("entity " + m.name() + ": field '" + field + "' is not indexed"));
    }

    private static Object coerce(EntityModel m, String field, Class<?> type, Object value, boolean nullable) {
        if (value == null && !nullable) throw new BadRequestException("entity " + m.name() + ", '" + field + "': null is not allowed here");
        try {
            return KeyEncoding.coerce(type, value);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("entity " + m.name() + ", '" + field + "': " + e.getMessage());
        }
    }

    private static long rid(byte[] stored) {
        if (stored.length != 8) throw new IllegalStateException("corrupt primary tree: a record id of " + stored.length + " bytes");
        return ByteBuffer.wrap(stored).getLong();
    }

    private static byte[] ridBytes(long rid) { return ByteBuffer.allocate(8).putLong(rid).array(); }
}
