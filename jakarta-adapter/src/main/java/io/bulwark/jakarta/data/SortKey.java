package io.bulwark.jakarta.data;

import java.util.Objects;

/** One sort criterion as a repository call carries it to the replicas (a {@code jakarta.data.Sort} without its type parameter). Wire form. */
public record SortKey(String property, boolean ascending, boolean ignoreCase) {
    public SortKey {
        Objects.requireNonNull(property, "sort property");
    }

    static SortKey of(jakarta.data.Sort<?> s) {
        if (s == null) throw new IllegalArgumentException("a null Sort");
        return new SortKey(s.property(), s.isAscending(), s.ignoreCase());
    }
}
