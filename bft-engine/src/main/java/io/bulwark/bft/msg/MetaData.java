package io.bulwark.bft.msg;

import io.bulwark.bft.state.Partition;
import java.util.List;

/**
 * The answer to a {@link Fetch} for an interior partition (section 4.6.2): the (lm, digest) of each
 * of its children at {@code checkpoint}, in index order. The asker verifies them by recomputing the
 * partition's digest, which it knows.
 */
public record MetaData(long checkpoint, int level, int index, int replica, List<Partition> children) implements Message {
}
