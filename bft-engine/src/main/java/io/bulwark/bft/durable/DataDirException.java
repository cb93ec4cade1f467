package io.bulwark.bft.durable;

import java.io.IOException;

/** A data directory that is not this replica's: another cluster's, another replica's, or a garbled identity. */
public final class DataDirException extends IOException {
    public DataDirException(String message) { super(message); }
}
