package io.bulwark.store.service;

import io.bulwark.store.AccessDeniedException;
import io.bulwark.store.BadRequestException;
import io.bulwark.store.BudgetExceededException;
import io.bulwark.store.EntityExistsException;
import io.bulwark.store.EntityLockedException;
import io.bulwark.store.NotFoundException;
import io.bulwark.store.OperationFailedException;
import io.bulwark.store.OptimisticLockException;
import io.bulwark.store.StoreException;
import io.bulwark.store.ValidationException;
import io.bulwark.store.XaBranchException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the replicas answer to a store request, as the result bytes of the BFT reply: the operation's
 * encoded return value, or the typed failure every correct replica agreed on.
 * <pre>
 * [u8 version = 2][u8 status][payload]
 * status 0 OK                payload: the codec bytes of the result
 *        1 NOT_FOUND, 2 ENTITY_EXISTS, 3 OPTIMISTIC_LOCK, 5 ACCESS_DENIED, 6 BAD_REQUEST: [text message]
 *        4 VALIDATION        [u16 count][u32 omitted] then per violation [text entity][text path][text message]
 *        7 OPERATION_FAILED  [text exception class][u8 has message][text message if it has one]
 *        8 BUDGET_EXCEEDED   [text message]
 *        9 ENTITY_LOCKED     [text message]
 *       10 XA_BRANCH         [i32 XAException error code][text message]
 * text: [u16 length][UTF-8]
 * </pre>
 * A failure is fitted into the engine's limit on result bytes ({@link #failure(StoreException, int)}),
 * deterministically, so every correct replica sends the same bytes: texts are cut to
 * {@link #MAX_TEXT_BYTES}, and further to what the limit leaves; violations are kept in order while
 * they fit, at most {@link #MAX_VIOLATIONS} (the first always, its texts cut if need be), and the
 * others are counted as omitted. Decoding is bounded and fails closed with {@link BadRequestException}.
 */
public sealed interface Reply {
    /** 2: VALIDATION carries the count of omitted violations. */
    int VERSION = 2;
    int MAX_TEXT_BYTES = 1024;
    int MAX_VIOLATIONS = 16;
    /** The smallest limit a failure reply can be fitted into (a service refuses a smaller result limit). */
    int MIN_FAILURE_BYTES = 64;
    byte OK = 0, NOT_FOUND = 1, ENTITY_EXISTS = 2, OPTIMISTIC_LOCK = 3, VALIDATION = 4, ACCESS_DENIED = 5,
            BAD_REQUEST = 6, OPERATION_FAILED = 7, BUDGET_EXCEEDED = 8,
            ENTITY_LOCKED = 9, XA_BRANCH = 10;

    /** The operation completed (and, if it writes, committed); {@code result} is its codec-encoded return value. */
    record Ok(byte[] result) implements Reply {
        public Ok {
            result = result.clone();
        }

        @Override public byte[] result() { return result.clone(); }

        @Override public byte[] encode() { return ok(result); }
    }

    /** The operation failed and changed nothing. */
    record Failed(StoreException failure) implements Reply {
        public Failed {
            java.util.Objects.requireNonNull(failure);
        }

        @Override public byte[] encode() { return Reply.failure(failure); }
    }

    /** The reply's bytes. */
    byte[] encode();

    static byte[] ok(byte[] result) {
        return new EnvelopeWriter().u8(VERSION).u8(OK).raw(result).toBytes();
    }

    /** The failure's reply, bounded only by {@link #MAX_TEXT_BYTES} and {@link #MAX_VIOLATIONS}. */
    static byte[] failure(StoreException e) { return failure(e, Integer.MAX_VALUE); }

    /**
     * The failure's reply in at most {@code maxBytes} bytes (at least {@link #MIN_FAILURE_BYTES}): a
     * function of the failure and the limit alone, so the same at every replica with the same limit.
     */
    static byte[] failure(StoreException e, int maxBytes) {
        if (maxBytes < MIN_FAILURE_BYTES)
            throw new IllegalArgumentException("a failure reply needs at least " + MIN_FAILURE_BYTES + " bytes, got " + maxBytes);
        EnvelopeWriter w = new EnvelopeWriter().u8(VERSION);
        if (e instanceof ValidationException x) {
            validation(w, x, maxBytes);
        } else if (e instanceof OperationFailedException x) {
            String message = operationMessage(x);
            int fixed = 5 + (message == null ? 0 : 2);   // version, status, class length, flag, message length
            // The class name first, but leaving the message at least half of what is left.
            int room = maxBytes - fixed;
            int classBytes = EnvelopeWriter.cutLength(EnvelopeWriter.utf8(x.exceptionClass()),
                    Math.min(MAX_TEXT_BYTES, message == null ? room : room / 2));
            w.u8(OPERATION_FAILED).text(x.exceptionClass(), classBytes).u8(message == null ? 0 : 1);
            if (message != null) w.text(message, Math.min(MAX_TEXT_BYTES, room - classBytes));
        } else if (e instanceof XaBranchException x) {
            w.u8(XA_BRANCH).u32(x.errorCode()).text(x.getMessage(), Math.min(MAX_TEXT_BYTES, maxBytes - 8));
        } else {
            w.u8(simpleStatus(e)).text(e.getMessage(), Math.min(MAX_TEXT_BYTES, maxBytes - 4));
        }
        if (w.size() > maxBytes) throw new IllegalStateException("a failure reply of " + w.size() + " bytes exceeds " + maxBytes);
        return w.toBytes();
    }

    /** Violations in order while they fit (the first always, cut to fit); the rest counted as omitted. */
    private static void validation(EnvelopeWriter w, ValidationException x, int maxBytes) {
        List<ValidationException.Violation> vs = x.violations();
        int room = maxBytes - 8;   // version, status, count, omitted
        int kept = 0;
        int firstCap = MAX_TEXT_BYTES;
        for (ValidationException.Violation v : vs) {
            if (kept == MAX_VIOLATIONS) break;
            int size = 6 + textBytes(v.entity()) + textBytes(v.path()) + textBytes(v.message());
            if (size > room) {
                if (kept == 0) {   // not even one whole violation fits: the first, with each text cut to a third of the room
                    firstCap = (room - 6) / 3;
                    kept = 1;
                }
                break;
            }
            room -= size;
            kept++;
        }
        long omitted = (long) x.omitted() + vs.size() - kept;
        w.u8(VALIDATION).u16(kept).u32((int) Math.min(Integer.MAX_VALUE, omitted));
        for (int i = 0; i < kept; i++) {
            ValidationException.Violation v = vs.get(i);
            int cap = i == 0 ? firstCap : MAX_TEXT_BYTES;
            w.text(v.entity(), cap).text(v.path(), cap).text(v.message(), cap);
        }
    }

    private static int textBytes(String s) { return EnvelopeWriter.cutLength(EnvelopeWriter.utf8(s), MAX_TEXT_BYTES); }

    /** Decodes the result bytes of a certified reply; {@link BadRequestException} if they are not one well-formed reply. */
    static Reply decode(byte[] bytes) {
        EnvelopeReader r = new EnvelopeReader(bytes, "reply");
        int version = r.u8("version");
        if (version != VERSION) throw r.bad("unsupported version " + version + " (expected " + VERSION + ")");
        int status = r.u8("status");
        if (status == OK) return new Ok(r.rest());
        StoreException failure = switch (status) {
            case NOT_FOUND -> new NotFoundException(r.text(MAX_TEXT_BYTES, "message"));
            case ENTITY_EXISTS -> new EntityExistsException(r.text(MAX_TEXT_BYTES, "message"));
            case OPTIMISTIC_LOCK -> new OptimisticLockException(r.text(MAX_TEXT_BYTES, "message"));
            case ACCESS_DENIED -> new AccessDeniedException(r.text(MAX_TEXT_BYTES, "message"));
            case BAD_REQUEST -> new BadRequestException(r.text(MAX_TEXT_BYTES, "message"));
            case BUDGET_EXCEEDED -> new BudgetExceededException(r.text(MAX_TEXT_BYTES, "message"));
            case ENTITY_LOCKED -> new EntityLockedException(r.text(MAX_TEXT_BYTES, "message"));
            case XA_BRANCH -> {
                int code = r.u32("XA error code");
                yield new XaBranchException(code, r.text(MAX_TEXT_BYTES, "message"));
            }
            case VALIDATION -> {
                int n = r.u16("violation count");
                if (n > MAX_VIOLATIONS) throw r.bad(n + " violations exceeds " + MAX_VIOLATIONS);
                int omitted = r.u32("omitted count");
                if (omitted < 0) throw r.bad("omitted count " + Integer.toUnsignedString(omitted) + " exceeds " + Integer.MAX_VALUE);
                List<ValidationException.Violation> vs = new ArrayList<>(n);
                for (int i = 0; i < n; i++)
                    vs.add(new ValidationException.Violation(r.text(MAX_TEXT_BYTES, "entity"), r.text(MAX_TEXT_BYTES, "path"),
                            r.text(MAX_TEXT_BYTES, "message")));
                yield new ValidationException(vs, omitted);
            }
            case OPERATION_FAILED -> {
                String type = r.text(MAX_TEXT_BYTES, "exception class");
                int has = r.u8("has message");
                if (has > 1) throw r.bad("has-message flag " + has);
                yield new OperationFailedException(type, has == 1 ? r.text(MAX_TEXT_BYTES, "message") : null);
            }
            default -> throw r.bad("unknown status " + status);
        };
        r.end();
        return new Failed(failure);
    }

    private static byte simpleStatus(StoreException e) {
        if (e instanceof NotFoundException) return NOT_FOUND;
        if (e instanceof EntityExistsException) return ENTITY_EXISTS;
        if (e instanceof OptimisticLockException) return OPTIMISTIC_LOCK;
        if (e instanceof AccessDeniedException) return ACCESS_DENIED;
        if (e instanceof BadRequestException) return BAD_REQUEST;
        if (e instanceof BudgetExceededException) return BUDGET_EXCEEDED;
        if (e instanceof EntityLockedException) return ENTITY_LOCKED;
        throw new IllegalArgumentException("no reply status for " + e.getClass().getName());
    }

    /** The operation's own message inside an {@link OperationFailedException} (whose message is "class: message"). */
    private static String operationMessage(OperationFailedException x) {
        String full = x.getMessage();
        String prefix = x.exceptionClass() + ": ";
        if (full.startsWith(prefix)) return full.substring(prefix.length());
        return full.equals(x.exceptionClass()) ? null : full;
    }
}
