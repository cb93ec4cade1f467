package io.bulwark.store.tx;

import io.bulwark.store.BadRequestException;
import io.bulwark.store.EntityExistsException;
import io.bulwark.store.index.BPlusTree;
import io.bulwark.store.key.KeyEncoding;
import io.bulwark.store.schema.EntityModel;
import io.bulwark.store.storage.Storage;

import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Every entity's trees and all maintenance of their entries, in one place.
 * <ul>
 * <li>The primary tree {@code entity:NAME} maps the id's key to the record id in the heap (8 bytes).</li>
 * <li>Each index has a tree {@code index:NAME.FIELD} whose keys are (value, id) composites
 *     ({@link KeyEncoding#composite}) and whose values are the id's key. Unique indexes have the same
 *     form: uniqueness is checked by looking for another id under the value's prefix before an entry is
 *     added. One form for both keeps ordered scans, null handling (nulls are indexed; a unique index
 *     allows any number of them, as in SQL) and maintenance the same.</li>
 * </ul>
 * An entity's index entries are computed from its field values by {@link #keys}; a change is applied
 * as "remove the entries that changed" for all changed entities first, then "add the new ones", so
 * that two entities swapping a unique value in one transaction do not clash with each other.
 */
final class EntityIndexes {
    private EntityIndexes() {}

    static String primaryTree(EntityModel m) { return "entity:" + m.name(); }

    static String indexTree(EntityModel m, EntityModel.IndexModel ix) { return "index:" + m.name() + "." + ix.name(); }

    /** The id's key, or BadRequestException if it is too long to be a key. */
    static byte[] idKey(EntityModel m, Object id) {
        byte[] k;
        try {
            k = KeyEncoding.encodeId(m.idType(), id);
        } catch (IllegalArgumentException e) {
            throw new BadRequestException("entity " + m.name() + ", id: " + e.getMessage());
        }
        if (k.length > BPlusTree.MAX_KEY_BYTES)
            throw new BadRequestException("entity " + m.name() + ": the id's key is " + k.length + " bytes, more than " + BPlusTree.MAX_KEY_BYTES);
        return k;
    }

    /** The entity's index keys, one per index in the model's order. */
    static byte[][] keys(EntityModel m, Object entity, byte[] idKey) {
        List<EntityModel.IndexModel> ixs = m.indexes();
        byte[][] keys = new byte[ixs.size()][];
        for (int i = 0; i < keys.length; i++) {
            EntityModel.IndexModel ix = ixs.get(i);
            byte[] value;
            try {
                value = KeyEncoding.encodeValue(ix.field().getType(), EntityModel.get(ix.field(), entity));
            } catch (IllegalArgumentException e) {
                throw new BadRequestException("entity " + m.name() + ", indexed field '" + ix.name() + "': " + e.getMessage());
            }
            keys[i] = KeyEncoding.composite(value, idKey);
            if (keys[i].length > BPlusTree.MAX_KEY_BYTES)
                throw new BadRequestException("entity " + m.name() + ", indexed field '" + ix.name() + "': value and id take "
                        + keys[i].length + " key bytes, more than " + BPlusTree.MAX_KEY_BYTES);
        }
        return keys;
    }

    /** Removes the entries of {@code before} that {@code after} does not have (all of them if after is null). */
    static void removeChanged(Storage s, EntityModel m, byte[][] before, byte[][] after) {
        for (int i = 0; i < before.length; i++) {
            if (after != null && Arrays.equals(before[i], after[i])) continue;
            if (s.tree(indexTree(m, m.indexes().get(i))).remove(before[i]) == null)
                throw new IllegalStateException("corrupt index " + indexTree(m, m.indexes().get(i)) + ": an entry of an entity is missing");
        }
    }

    /**
     * Adds the entries of {@code after} that {@code before} does not have (all of them if before is null),
     * first checking every unique one: EntityExistsException, with nothing added, if another id holds the value.
     */
    static void addChanged(Storage s, EntityModel m, byte[] idKey, byte[][] before, byte[][] after) {
        List<EntityModel.IndexModel> ixs = m.indexes();
        for (int i = 0; i < after.length; i++) {
            if (!ixs.get(i).unique() || before != null && Arrays.equals(before[i], after[i])) continue;
            byte[] value = Arrays.copyOf(after[i], after[i].length - idKey.length);
            if (value.length == 1 && value[0] == 0) continue; // null: never unique-constrained
            Iterator<Map.Entry<byte[], byte[]>> it = s.tree(indexTree(m, ixs.get(i))).scan(value, KeyEncoding.prefixEnd(value), false);
            while (it.hasNext())
                if (!Arrays.equals(it.next().getValue(), idKey))
                    throw new EntityExistsException("entity " + m.name() + ": the unique index on '" + ixs.get(i).name() + "' already holds this value");
        }
        for (int i = 0; i < after.length; i++) {
            if (before != null && Arrays.equals(before[i], after[i])) continue;
            s.tree(indexTree(m, ixs.get(i))).put(after[i], idKey);
        }
    }
}
