package io.bulwark.bft.msg;


/**
 * The only exception a decoder throws: the input was rejected, for {@link #reason()}.
 * No stack trace is captured: hostile peers can make rejections frequent, and the reason
 * and detail say everything (DESIGN principle 3).
 */
public final class DecodeException extends Exception {
    private final RejectReason reason;

    public DecodeException(RejectReason reason, String detail) {
        super(detail, null, false, false);
        this.reason = reason;
    }

    public RejectReason reason() { return reason; }

    @Override public String toString() { return "DecodeException[" + reason + ": " + getMessage() + "]"; }
}
