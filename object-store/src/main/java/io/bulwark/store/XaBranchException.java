package io.bulwark.store;

/**
 * An XA verb (a call inside a branch, prepare, commit, rollback, forget) the replicas refused or
 * completed otherwise than asked, with the {@link javax.transaction.xa.XAException} error code they
 * agreed on: {@code XAER_NOTA} for an unknown Xid, {@code XAER_PROTO} for a verb the branch's state does
 * not allow, an {@code XA_RB*} code when prepare or a one-phase commit rolled the branch back,
 * {@code XA_HEURRB} when the branch was rolled back heuristically, {@code XAER_INVAL} for a malformed
 * Xid, {@code XAER_RMERR} for a bound the client went over. The message says why.
 */
public final class XaBranchException extends StoreException {
    private final int errorCode;

    public XaBranchException(int errorCode, String message) {
        super(message);
        this.errorCode = errorCode;
    }

    /** The XAException error code (for example {@code XAException.XAER_NOTA}). */
    public int errorCode() { return errorCode; }
}
