package io.bulwark.jakarta.data;

import java.util.List;

/**
 * What the replicas answer to a repository call (wire form): the entities or projected values
 * found, in order; with cursor paging, each one's cursor key; the number of all matches (or -1 when
 * not asked for); whether results remain past the window ({@code more}) or before it
 * ({@code previous}); and, for counts, existence tests, deletes and updates, the number affected.
 */
@SuppressWarnings({"rawtypes", "unchecked"})   // raw lists: the store refuses a declared element type Object, and these hold any value type the entity has
public record Outcome(List items, List keys, long total, boolean more, boolean previous, long affected) {
    public Outcome {
        items = items == null ? List.of() : items;
        keys = keys == null ? List.of() : keys;
    }

    List<Object> values() { return items; }

    List<List<Object>> cursorKeys() { return keys; }

    static Outcome affected(long n) { return new Outcome(List.of(), List.of(), -1, false, false, n); }
}
