package io.bulwark.jakarta.data;

import java.util.List;

/**
 * Which part of a query's ordered results a call wants. Wire form of {@code Limit} and
 * {@code PageRequest}: {@code skip} results, then at most {@code max} ({@code -1}: no bound but the
 * provider's, {@link DataLimits#MAX_RESULTS}); or the results strictly after / before a cursor (the sort
 * key values of an entity, then possibly its id); with {@code total}, the number of all matches too;
 * with {@code keys}, each result's cursor key (a {@code CursoredPage}).
 */
@SuppressWarnings({"rawtypes", "unchecked"})   // a raw list: the store refuses a declared element type Object; a cursor holds any key value
public record Window(Mode mode, long skip, int max, List cursor, boolean total, boolean keys) {
    public enum Mode { ALL, OFFSET, AFTER, BEFORE }

    public Window {
        cursor = cursor == null ? List.of() : List.copyOf(cursor);
    }

    List<Object> cursorValues() { return cursor; }

    static final Window ALL = new Window(Mode.ALL, 0, -1, List.of(), false, false);

    /** Whether this window is well formed and within the provider's bounds; the problem, or null. */
    String problem() {
        if (mode == null) return "no paging mode";
        if (skip < 0) return "a negative offset " + skip;
        if (max < -1 || max == 0 && mode != Mode.ALL) return "a page size or limit of " + max + " (must be at least 1)";
        if (max > DataLimits.MAX_RESULTS)
            return "a page size or limit of " + max + " is over the provider's bound of " + DataLimits.MAX_RESULTS + " results per call";
        if ((mode == Mode.AFTER || mode == Mode.BEFORE) == cursor.isEmpty()) return "a cursor is needed with cursor paging, and only then";
        return null;
    }
}
