package io.bulwark.bft.service;

import java.util.Arrays;

/**
 * A replicated key-value store kept entirely in the paged state: a hash table of pages with linear
 * probing between pages. Each page holds {@code [u16 count][u16 used][u8 overflowed]} then entries
 * {@code [u8 keyLength][u16 valueLength][key][value]}. "overflowed" is set on a page when an insert
 * had to move on to the next page, so a lookup continues only past such pages. Deterministic: the
 * bucket comes from a fixed hash (FNV-1a) of the key bytes, never from {@code hashCode}.
 */
public final class KvService implements Service {
    private static final int HEADER = 5;
    private static final int ENTRY_HEADER = 3;
    private PagedState state;

    @Override
    public void init(PagedState state) {
        if (state.pageSize() < HEADER + ENTRY_HEADER + KvOps.MAX_KEY + KvOps.MAX_VALUE)
            throw new IllegalArgumentException("pages too small for the largest entry");
        this.state = state;
    }

    @Override
    public byte[] execute(byte[] op, int client, byte[] nonDet, boolean readOnly) {
        if (op.length < 3) return KvOps.error("operation too short");
        int keyLen = op[1] & 0xff;
        if (keyLen == 0 || 2 + keyLen > op.length) return KvOps.error("bad key length");
        byte[] key = Arrays.copyOfRange(op, 2, 2 + keyLen);
        int valueLen = op.length - 2 - keyLen;
        switch (op[0]) {
            case KvOps.GET -> {
                if (valueLen != 0) return KvOps.error("GET takes no value");
                byte[] v = find(key);
                return v == null ? KvOps.ok() : KvOps.value(v);
            }
            case KvOps.PUT -> {
                if (readOnly) return KvOps.error("PUT in a read-only request");
                if (valueLen > KvOps.MAX_VALUE) return KvOps.error("value too large");
                remove(key);
                return insert(key, Arrays.copyOfRange(op, 2 + keyLen, op.length)) ? KvOps.ok() : KvOps.error("store full");
            }
            case KvOps.DELETE -> {
                if (readOnly) return KvOps.error("DELETE in a read-only request");
                if (valueLen != 0) return KvOps.error("DELETE takes no value");
                remove(key);
                return KvOps.ok();
            }
            default -> {
                return KvOps.error("unknown operation " + op[0]);
            }
        }
    }

    private int bucket(byte[] key) {
        int hash = 0x811c9dc5;
        for (byte b : key) hash = (hash ^ (b & 0xff)) * 0x01000193;
        return Math.floorMod(hash, state.pageCount());
    }

    private byte[] find(byte[] key) {
        int p = bucket(key);
        for (int probes = 0; probes < state.pageCount(); probes++) {
            byte[] page = state.read(p);
            int at = locate(page, key);
            if (at >= 0) {
                int vlen = u16(page, at + 1);
                int kl = page[at] & 0xff;
                return Arrays.copyOfRange(page, at + ENTRY_HEADER + kl, at + ENTRY_HEADER + kl + vlen);
            }
            if (page[4] == 0) return null;
            p = (p + 1) % state.pageCount();
        }
        return null;
    }

    private boolean remove(byte[] key) {
        int p = bucket(key);
        for (int probes = 0; probes < state.pageCount(); probes++) {
            byte[] page = state.read(p);
            int at = locate(page, key);
            if (at >= 0) {
                page = state.modify(p);
                int size = ENTRY_HEADER + (page[at] & 0xff) + u16(page, at + 1);
                int used = u16(page, 2);
                System.arraycopy(page, at + size, page, at, HEADER + used - at - size);
                Arrays.fill(page, HEADER + used - size, HEADER + used, (byte) 0);
                putU16(page, 0, u16(page, 0) - 1);
                putU16(page, 2, used - size);
                return true;
            }
            if (page[4] == 0) return false;
            p = (p + 1) % state.pageCount();
        }
        return false;
    }

    private boolean insert(byte[] key, byte[] value) {
        int size = ENTRY_HEADER + key.length + value.length;
        int p = bucket(key);
        for (int probes = 0; probes < state.pageCount(); probes++) {
            byte[] page = state.read(p);
            int used = u16(page, 2);
            if (HEADER + used + size <= page.length) {
                page = state.modify(p);
                int at = HEADER + used;
                page[at] = (byte) key.length;
                putU16(page, at + 1, value.length);
                System.arraycopy(key, 0, page, at + ENTRY_HEADER, key.length);
                System.arraycopy(value, 0, page, at + ENTRY_HEADER + key.length, value.length);
                putU16(page, 0, u16(page, 0) + 1);
                putU16(page, 2, used + size);
                return true;
            }
            if (page[4] == 0) state.modify(p)[4] = 1;
            p = (p + 1) % state.pageCount();
        }
        return false;
    }

    /** Offset of the entry with {@code key} in {@code page}, or -1. */
    private static int locate(byte[] page, byte[] key) {
        int count = u16(page, 0);
        int at = HEADER;
        for (int i = 0; i < count; i++) {
            int kl = page[at] & 0xff;
            int vl = u16(page, at + 1);
            if (kl == key.length && Arrays.equals(page, at + ENTRY_HEADER, at + ENTRY_HEADER + kl, key, 0, kl)) return at;
            at += ENTRY_HEADER + kl + vl;
        }
        return -1;
    }

    private static int u16(byte[] b, int off) { return (b[off] & 0xff) << 8 | (b[off + 1] & 0xff); }

    private static void putU16(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }
}
