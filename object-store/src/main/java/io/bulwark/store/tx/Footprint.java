package io.bulwark.store.tx;

import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * What one transaction's outcome depends on and what it changes, at the level of entities: the
 * entity keys it read (loaded, or looked up and found absent), the keys it wrote (persisted, changed,
 * merged, removed), and the entity types it read as a whole — a query's range (which an insert
 * elsewhere in it would change), a generated id (the type's sequence), a unique index checked on a
 * write. The XA layer keeps a prepared branch's footprint as its locks ({@code io.bulwark.store.xa}).
 * Sorted sets, so that its encoding is the same at every replica. Immutable.
 */
public record Footprint(SortedSet<Key> reads, SortedSet<Key> writes, SortedSet<String> typeReads) {
    public static final Footprint EMPTY = new Footprint(new TreeSet<>(), new TreeSet<>(), new TreeSet<>());

    /** One entity: its entity name and the encoded id ({@code EntityIndexes.idKey}). */
    public record Key(String entity, byte[] id) implements Comparable<Key> {
        private static final Comparator<Key> ORDER = Comparator.comparing(Key::entity)
                .thenComparing(Key::id, Arrays::compareUnsigned);

        public Key {
            Objects.requireNonNull(entity, "entity");
            id = id.clone();
        }

        @Override public byte[] id() { return id.clone(); }

        @Override public int compareTo(Key o) { return ORDER.compare(this, o); }

        @Override public boolean equals(Object o) { return o instanceof Key k && entity.equals(k.entity) && Arrays.equals(id, k.id); }

        @Override public int hashCode() { return entity.hashCode() * 31 + Arrays.hashCode(id); }

        @Override public String toString() { return entity + "#" + HexFormat.of().formatHex(id); }
    }

    public Footprint {
        reads = Collections.unmodifiableSortedSet(new TreeSet<>(reads));
        writes = Collections.unmodifiableSortedSet(new TreeSet<>(writes));
        typeReads = Collections.unmodifiableSortedSet(new TreeSet<>(typeReads));
    }

    /** Whether the transaction changed nothing. */
    public boolean writesNothing() { return writes.isEmpty(); }

    /** This footprint and {@code other}'s together (a branch's calls, one after the other). */
    public Footprint plus(Footprint other) {
        TreeSet<Key> r = new TreeSet<>(reads), w = new TreeSet<>(writes);
        TreeSet<String> t = new TreeSet<>(typeReads);
        r.addAll(other.reads);
        w.addAll(other.writes);
        t.addAll(other.typeReads);
        return new Footprint(r, w, t);
    }
}
