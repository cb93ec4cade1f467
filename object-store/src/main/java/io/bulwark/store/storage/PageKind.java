package io.bulwark.store.storage;

/**
 * The first byte of every page but the superblock says what the page holds, so that a pointer that
 * leads to the wrong kind of page (a corrupt child pointer, a forged record id) is caught at once.
 */
public final class PageKind {
    private PageKind() {}

    /** On the allocator's free list. */
    public static final byte FREE = 'F';
    /** A B+tree leaf. */
    public static final byte LEAF = 'L';
    /** A B+tree interior node. */
    public static final byte INTERIOR = 'I';
    /** A slotted heap page. */
    public static final byte HEAP = 'H';
    /** A piece of a record larger than a heap page holds inline. */
    public static final byte OVERFLOW = 'O';

    public static String name(byte kind) {
        return switch (kind) {
            case FREE -> "free";
            case LEAF -> "B+tree leaf";
            case INTERIOR -> "B+tree interior";
            case HEAP -> "heap";
            case OVERFLOW -> "overflow";
            default -> "unknown kind " + (kind & 0xFF);
        };
    }
}
