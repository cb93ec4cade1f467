package io.bulwark.jakarta.data;

/**
 * Bounds of the Jakarta Data provider that keep one repository call from occupying every replica:
 * a query that needs more is refused before it runs, with a message saying which bound and why.
 */
public final class DataLimits {
    /** Most results (entities, values, page size, {@code Limit}) one call returns. */
    public static final int MAX_RESULTS = 1000;
    /**
     * Most entities a query may read to answer (all of them when no index serves its restriction and
     * order): over it, the call is refused and nothing changes; add an {@code @Indexed} property or narrow it.
     */
    public static final int MAX_SCAN = 10_000;
    /** Most entities one {@code @Insert}, {@code @Update}, {@code @Save} or {@code @Delete} call takes. */
    public static final int MAX_ENTITIES = 1000;

    private DataLimits() {}
}
