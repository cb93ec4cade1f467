package io.bulwark.store.xa;

import io.bulwark.store.EntityLockedException;
import io.bulwark.store.index.BPlusTree;
import io.bulwark.store.key.KeyEncoding;
import io.bulwark.store.page.Pages;
import io.bulwark.store.storage.Storage;
import io.bulwark.store.storage.StorageException;
import io.bulwark.store.tx.Footprint;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The XA branches in the replicated pages, so that they survive a replica's restart and travel with a
 * state transfer like every entity. Three trees:
 * <ul>
 * <li>{@code xa.branch}: (client id, Xid) to the heap record of the {@link BranchRecord};</li>
 * <li>{@code xa.deadline}: (agreed-time deadline, client id, Xid) of every active or prepared branch, in
 *     time order, so that {@link #sweep} finds the expired ones without looking at the others;</li>
 * <li>{@code xa.lock}: the prepared branches' locks, counted (several branches may read one entity):
 *     {@code R} an entity a prepared branch read or wrote, {@code X} one it wrote, {@code T} an entity type it
 *     read as a whole, {@code W} a type one of whose entities it wrote — keyed by SHA-256 of the entity name
 *     (and id), so that every key has the same, small size.</li>
 * </ul>
 * A Storage-backed view: open one over a transaction's overlay, use it, drop it. Not thread-safe.
 */
final class BranchTable {
    static final String BRANCHES = "xa.branch", DEADLINES = "xa.deadline", LOCKS = "xa.lock";
    private static final byte R = 'R', X = 'X', T = 'T', W = 'W';

    private final Storage storage;

    private BranchTable(Storage storage) { this.storage = storage; }

    /** The table over formatted pages. */
    static BranchTable over(Pages pages) { return new BranchTable(Storage.open(pages)); }

    // ---- branches

    static byte[] branchKey(int client, BranchXid xid) {
        byte[] x = xid.encode();
        return ByteBuffer.allocate(4 + x.length).putInt(client).put(x).array();
    }

    BranchRecord get(byte[] key) {
        if (!storage.hasTree(BRANCHES)) return null;
        byte[] rid = storage.tree(BRANCHES).get(key);
        return rid == null ? null : BranchRecord.decode(storage.heap().read(rid(rid)));
    }

    /** Stores (creates or replaces) the branch, keeping its deadline entry in step. */
    void put(byte[] key, BranchRecord before, BranchRecord after) {
        BPlusTree branches = storage.tree(BRANCHES);
        byte[] rid = branches.get(key);
        byte[] bytes = after.encode();
        if (rid == null) branches.put(key, ByteBuffer.allocate(8).putLong(storage.heap().insert(bytes)).array());
        else storage.heap().update(rid(rid), bytes);
        long old = before == null ? 0 : before.deadline();
        if (old != after.deadline()) {
            BPlusTree deadlines = storage.tree(DEADLINES);
            if (old != 0) deadlines.remove(deadlineKey(old, key));
            if (after.deadline() != 0) deadlines.put(deadlineKey(after.deadline(), key), new byte[] {1});
        }
    }

    void delete(byte[] key, BranchRecord record) {
        BPlusTree branches = storage.tree(BRANCHES);
        byte[] rid = branches.remove(key);
        if (rid != null) storage.heap().delete(rid(rid));
        if (record.deadline() != 0) storage.tree(DEADLINES).remove(deadlineKey(record.deadline(), key));
    }

    /** The client's branches, in Xid-encoding order: at most its bound, so a short walk. */
    List<Map.Entry<BranchXid, BranchRecord>> ofClient(int client) {
        List<Map.Entry<BranchXid, BranchRecord>> out = new ArrayList<>();
        if (!storage.hasTree(BRANCHES)) return out;
        byte[] prefix = ByteBuffer.allocate(4).putInt(client).array();
        for (Iterator<Map.Entry<byte[], byte[]>> it = storage.tree(BRANCHES).scan(prefix, KeyEncoding.prefixEnd(prefix), false); it.hasNext(); ) {
            Map.Entry<byte[], byte[]> e = it.next();
            BranchXid xid = BranchXid.decode(Arrays.copyOfRange(e.getKey(), 4, e.getKey().length));
            out.add(Map.entry(xid, BranchRecord.decode(storage.heap().read(rid(e.getValue())))));
        }
        return out;
    }

    /**
     * The branches whose deadline is before {@code now} (at most {@code max}, earliest first): what
     * {@link #sweep} must roll back.
     */
    List<byte[]> expired(long now, int max) {
        List<byte[]> out = new ArrayList<>();
        if (!storage.hasTree(DEADLINES)) return out;
        for (Iterator<Map.Entry<byte[], byte[]>> it = storage.tree(DEADLINES).scan(null, null, false); it.hasNext() && out.size() < max; ) {
            byte[] k = it.next().getKey();
            if (ByteBuffer.wrap(k).getLong() >= now) break;
            out.add(Arrays.copyOfRange(k, 8, k.length));
        }
        return out;
    }

    private static byte[] deadlineKey(long deadline, byte[] branchKey) {
        return ByteBuffer.allocate(8 + branchKey.length).putLong(deadline).put(branchKey).array();
    }

    // ---- locks

    /** Whether any prepared branch holds a lock (most requests: none, and the checks cost one lookup). */
    boolean anyLocks() { return storage.hasTree(LOCKS) && storage.tree(LOCKS).size() > 0; }

    void lock(Footprint fp) {
        BPlusTree locks = storage.tree(LOCKS);
        for (Footprint.Key k : fp.reads()) add(locks, key(R, k), 1);
        for (Footprint.Key k : fp.writes()) {
            add(locks, key(R, k), fp.reads().contains(k) ? 0 : 1);
            add(locks, key(X, k), 1);
            add(locks, key(W, k.entity()), 1);
        }
        for (String t : fp.typeReads()) add(locks, key(T, t), 1);
    }

    void release(Footprint fp) {
        BPlusTree locks = storage.tree(LOCKS);
        for (Footprint.Key k : fp.reads()) add(locks, key(R, k), -1);
        for (Footprint.Key k : fp.writes()) {
            add(locks, key(R, k), fp.reads().contains(k) ? 0 : -1);
            add(locks, key(X, k), -1);
            add(locks, key(W, k.entity()), -1);
        }
        for (String t : fp.typeReads()) add(locks, key(T, t), -1);
    }

    /**
     * An operation that commits now, before the prepared branches: it must not write what they read or
     * wrote (their commit would overwrite it, or their results would no longer hold), nor any entity of a
     * type they read as a whole. Reading what they wrote is allowed: it sees the value before them, and
     * serializes before them. {@link EntityLockedException} naming the first conflict.
     */
    void checkWrite(Footprint fp) {
        if (!anyLocks()) return;
        BPlusTree locks = storage.tree(LOCKS);
        for (Footprint.Key k : fp.writes()) {
            if (count(locks, key(R, k)) > 0)
                throw new EntityLockedException("entity " + k.entity() + " with id key " + k + " is held by a prepared XA branch: retry after it completes");
            if (count(locks, key(T, k.entity())) > 0)
                throw new EntityLockedException("entity type " + k.entity() + " is held by a prepared XA branch that queried it: no "
                        + k.entity() + " can be written until it completes");
        }
    }

    /**
     * A branch about to be prepared, which will commit after the prepared ones or before them: beyond
     * {@link #checkWrite}, it must not have read what they wrote (nor queried a type they wrote into),
     * or its own commit could give other results than the ones its caller saw.
     */
    void checkPrepare(Footprint fp) {
        if (!anyLocks()) return;
        checkWrite(fp);
        BPlusTree locks = storage.tree(LOCKS);
        for (Footprint.Key k : fp.reads())
            if (count(locks, key(X, k)) > 0)
                throw new EntityLockedException("entity " + k.entity() + " with id key " + k + " was read by this branch and is written by another prepared XA branch");
        for (String t : fp.typeReads())
            if (count(locks, key(W, t)) > 0)
                throw new EntityLockedException("entity type " + t + " was queried by this branch and is written by another prepared XA branch");
    }

    private static void add(BPlusTree locks, byte[] key, int delta) {
        if (delta == 0) return;
        int n = count(locks, key) + delta;
        if (n < 0) throw new StorageException("corrupt XA lock table: a lock released more often than taken");
        if (n == 0) locks.remove(key);
        else locks.put(key, ByteBuffer.allocate(4).putInt(n).array());
    }

    private static int count(BPlusTree locks, byte[] key) {
        byte[] v = locks.get(key);
        if (v == null) return 0;
        if (v.length != 4) throw new StorageException("corrupt XA lock table: a count of " + v.length + " bytes");
        return ByteBuffer.wrap(v).getInt();
    }

    private static byte[] key(byte kind, Footprint.Key k) {
        byte[] name = k.entity().getBytes(StandardCharsets.UTF_8), id = k.id();
        return key(kind, ByteBuffer.allocate(4 + name.length + id.length).putInt(name.length).put(name).put(id).array());
    }

    private static byte[] key(byte kind, String entity) { return key(kind, entity.getBytes(StandardCharsets.UTF_8)); }

    private static byte[] key(byte kind, byte[] material) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(material);
            return ByteBuffer.allocate(1 + d.length).put(kind).put(d).array();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }

    private static long rid(byte[] stored) {
        if (stored.length != 8) throw new StorageException("corrupt XA branch tree: a record id of " + stored.length + " bytes");
        return ByteBuffer.wrap(stored).getLong();
    }
}
