package io.bulwark.store.storage;

import io.bulwark.store.heap.PageHeap;
import io.bulwark.store.index.BPlusTree;
import io.bulwark.store.page.Pages;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The store's layout inside the pages (page 0: {@link Superblock}): a page allocator, a catalog
 * B+tree of named trees, sequences and meta blobs, and the page heap with its free-space map.
 * A Storage keeps nothing beyond the pages, so opening one over a transaction's overlay and
 * dropping it afterwards is cheap and always sees the overlay's current content.
 */
public final class Storage {
    /** The largest meta blob. */
    public static final int MAX_META_BYTES = 1 << 20;
    /** The longest tree, sequence or meta name, in UTF-8 bytes. */
    public static final int MAX_NAME_BYTES = 256;
    private static final byte TREE = 't', SEQUENCE = 's', META = 'm';

    private final PageAllocator alloc;
    private final BPlusTree catalog;
    private final PageHeap heap;

    private Storage(Pages pages) {
        this.alloc = new PageAllocator(pages);
        this.catalog = new BPlusTree(alloc, Superblock.CATALOG_ROOT);
        this.heap = new PageHeap(alloc, new BPlusTree(alloc, Superblock.FREE_SPACE_ROOT));
    }

    public static boolean isFormatted(Pages pages) {
        return pages.pageCount() >= 1 && Bytes.i64(pages.read(0), Superblock.MAGIC_AT) == Superblock.MAGIC;
    }

    /** Lays out an empty store in unformatted pages. */
    public static Storage format(Pages pages) {
        if (pages.pageCount() < Superblock.MIN_PAGES)
            throw new StorageException("state of " + pages.pageCount() + " pages is too small: at least " + Superblock.MIN_PAGES + " needed");
        if (isFormatted(pages)) throw new StorageException("state is already formatted");
        byte[] sb = pages.write(0);
        Arrays.fill(sb, (byte) 0);
        Bytes.i64(sb, Superblock.MAGIC_AT, Superblock.MAGIC);
        Bytes.i32(sb, Superblock.VERSION_AT, Superblock.VERSION);
        Bytes.i32(sb, Superblock.PAGE_COUNT_AT, pages.pageCount());
        Bytes.i32(sb, Superblock.HIGH_WATER_AT, Superblock.FIRST_ALLOCATABLE);
        Bytes.i32(sb, Superblock.CATALOG_ROOT_AT, Superblock.CATALOG_ROOT);
        Bytes.i32(sb, Superblock.FREE_SPACE_ROOT_AT, Superblock.FREE_SPACE_ROOT);
        BPlusTree.initEmptyLeaf(pages.write(Superblock.CATALOG_ROOT));
        BPlusTree.initEmptyLeaf(pages.write(Superblock.FREE_SPACE_ROOT));
        return new Storage(pages);
    }

    /** Opens formatted pages, checking the superblock and the fixed roots. */
    public static Storage open(Pages pages) {
        if (!isFormatted(pages)) throw new StorageException("state is not formatted: no store superblock in page 0");
        byte[] sb = pages.read(0);
        int version = Bytes.i32(sb, Superblock.VERSION_AT);
        if (version != Superblock.VERSION)
            throw new StorageException("state has storage format version " + version + ", this store reads version " + Superblock.VERSION);
        int count = Bytes.i32(sb, Superblock.PAGE_COUNT_AT);
        if (count != pages.pageCount())
            throw new StorageException("state was formatted with " + count + " pages but has " + pages.pageCount());
        int highWater = Bytes.i32(sb, Superblock.HIGH_WATER_AT);
        int freeHead = Bytes.i32(sb, Superblock.FREE_HEAD_AT);
        int freeCount = Bytes.i32(sb, Superblock.FREE_COUNT_AT);
        if (highWater < Superblock.FIRST_ALLOCATABLE || highWater > count
                || freeCount < 0 || freeCount > highWater - Superblock.FIRST_ALLOCATABLE
                || (freeHead == 0) != (freeCount == 0)
                || (freeHead != 0 && (freeHead < Superblock.FIRST_ALLOCATABLE || freeHead >= highWater)))
            throw new StorageException("corrupt superblock: high-water mark " + highWater + ", free list head " + freeHead + " of " + freeCount + " pages");
        if (Bytes.i32(sb, Superblock.CATALOG_ROOT_AT) != Superblock.CATALOG_ROOT || Bytes.i32(sb, Superblock.FREE_SPACE_ROOT_AT) != Superblock.FREE_SPACE_ROOT)
            throw new StorageException("corrupt superblock: catalog and free-space roots are not pages " + Superblock.CATALOG_ROOT + " and " + Superblock.FREE_SPACE_ROOT);
        return new Storage(pages);
    }

    public PageHeap heap() { return heap; }

    /** The named tree, created empty on first use. */
    public BPlusTree tree(String name) {
        byte[] key = key(TREE, name);
        byte[] root = catalog.get(key);
        if (root != null) return new BPlusTree(alloc, rootPage(name, root));
        int page = BPlusTree.create(alloc);
        catalog.put(key, intBytes(page));
        return new BPlusTree(alloc, page);
    }

    public boolean hasTree(String name) {
        return catalog.get(key(TREE, name)) != null;
    }

    /** The sequence's next value: 1, 2, 3, ... */
    public long nextSequence(String name) {
        byte[] key = key(SEQUENCE, name);
        byte[] stored = catalog.get(key);
        long last = 0;
        if (stored != null) {
            if (stored.length != 8 || (last = Bytes.i64(stored, 0)) < 1)
                throw new StorageException("corrupt catalog: sequence " + name + " holds " + stored.length + " bytes");
            if (last == Long.MAX_VALUE) throw new StorageException("sequence " + name + " is exhausted");
        }
        catalog.put(key, Bytes.ofLong(last + 1));
        return last + 1;
    }

    /** The meta blob stored under {@code key}, or null. */
    public byte[] meta(String key) {
        byte[] rid = catalog.get(key(META, key));
        return rid == null ? null : heap.read(rid(key, rid));
    }

    /** Stores (or with null, removes) the meta blob under {@code key}. */
    public void putMeta(String key, byte[] value) {
        if (value != null && value.length > MAX_META_BYTES)
            throw new IllegalArgumentException("meta value " + key + " of " + value.length + " bytes exceeds " + MAX_META_BYTES);
        byte[] k = key(META, key);
        byte[] rid = catalog.get(k);
        if (value == null) {
            if (rid != null) {
                heap.delete(rid(key, rid));
                catalog.remove(k);
            }
        } else if (rid != null) {
            heap.update(rid(key, rid), value);
        } else {
            catalog.put(k, Bytes.ofLong(heap.insert(value)));
        }
    }

    /** Pages in use (superblock and fixed roots included); the rest are free for the store. */
    public int pagesInUse() { return alloc.pagesInUse(); }

    private static long rid(String key, byte[] stored) {
        if (stored.length != 8) throw new StorageException("corrupt catalog: meta " + key + " holds " + stored.length + " bytes");
        return Bytes.i64(stored, 0);
    }

    private static int rootPage(String name, byte[] stored) {
        if (stored.length != 4) throw new StorageException("corrupt catalog: tree " + name + " holds " + stored.length + " bytes");
        int page = Bytes.i32(stored, 0);
        if (page < Superblock.FIRST_ALLOCATABLE) throw new StorageException("corrupt catalog: tree " + name + " rooted at page " + page);
        return page;
    }

    private static byte[] intBytes(int v) {
        byte[] b = new byte[4];
        Bytes.i32(b, 0, v);
        return b;
    }

    private static byte[] key(byte kind, String name) {
        if (name == null || name.isEmpty()) throw new IllegalArgumentException("name is null or empty");
        byte[] utf8 = name.getBytes(StandardCharsets.UTF_8);
        if (utf8.length > MAX_NAME_BYTES) throw new IllegalArgumentException("name of " + utf8.length + " bytes exceeds " + MAX_NAME_BYTES + ": " + name.substring(0, 32) + "...");
        byte[] key = new byte[1 + utf8.length];
        key[0] = kind;
        System.arraycopy(utf8, 0, key, 1, utf8.length);
        return key;
    }
}
