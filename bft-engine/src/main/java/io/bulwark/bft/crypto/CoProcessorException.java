package io.bulwark.bft.crypto;

import java.io.IOException;

/** The co-processor cannot start or cannot persist its counter; the principal must not go on signing. */
public final class CoProcessorException extends IOException {
    public CoProcessorException(String message) { super(message); }
    public CoProcessorException(String message, Throwable cause) { super(message, cause); }
}
