package io.bulwark.store.storage;

/**
 * Page 0, the superblock: the only page at a fixed place besides the two fixed tree roots. All
 * integers big-endian.
 * <pre>
 * offset size field
 *      0    8 magic {@link #MAGIC} ("BULWARKS" in ASCII)
 *      8    4 format version ({@link #VERSION})
 *     12    4 page count the state was formatted with (must equal the pages' count)
 *     16    4 high-water mark: pages at or above it were never allocated (all zero)
 *     20    4 head of the free-page list (0 = empty); each free page holds the next at offset 1
 *     24    4 number of pages on the free list
 *     28    4 root page of the catalog B+tree (always {@link #CATALOG_ROOT})
 *     32    4 root page of the heap's free-space map B+tree (always {@link #FREE_SPACE_ROOT})
 * </pre>
 * The catalog B+tree maps 't' + tree name to the tree's root page (a root never moves: a root
 * split moves the root's content into two new pages), 's' + sequence name to the sequence's last
 * value, and 'm' + meta key to the record id of the blob in the heap. The free-space map keys are
 * (free bytes, page), both big-endian, so a ceiling lookup finds the fullest page that fits.
 */
public final class Superblock {
    private Superblock() {}

    public static final long MAGIC = 0x42554C5741524B53L; // "BULWARKS"
    public static final int VERSION = 1;

    public static final int MAGIC_AT = 0;
    public static final int VERSION_AT = 8;
    public static final int PAGE_COUNT_AT = 12;
    public static final int HIGH_WATER_AT = 16;
    public static final int FREE_HEAD_AT = 20;
    public static final int FREE_COUNT_AT = 24;
    public static final int CATALOG_ROOT_AT = 28;
    public static final int FREE_SPACE_ROOT_AT = 32;

    public static final int CATALOG_ROOT = 1;
    public static final int FREE_SPACE_ROOT = 2;
    /** The first page the allocator hands out. */
    public static final int FIRST_ALLOCATABLE = 3;
    /** The fewest pages a state must have to be formatted: the fixed pages and room to work. */
    public static final int MIN_PAGES = 8;
}
