package io.bulwark.store.service;

import io.bulwark.store.AccessDeniedException;
import io.bulwark.store.BadRequestException;
import io.bulwark.store.EntityExistsException;
import io.bulwark.store.NotFoundException;
import io.bulwark.store.OperationFailedException;
import io.bulwark.store.OptimisticLockException;
import io.bulwark.store.StoreException;
import io.bulwark.store.ValidationException;
import java.util.ArrayList;
import java.util.List;

/**
 * What the replicas answer to a store request, as the result bytes of the BFT reply: the operation's
 * encoded return value, or the typed failure every correct replica agreed on.
 * <pre>
 * [u8 version = 1][u8 status][payload]
 * status 0 OK                payload: the codec bytes of the result
 *        1 NOT_FOUND, 2 ENTITY_EXISTS, 3 OPTIMISTIC_LOCK, 5 ACCESS_DENIED, 6 BAD_REQUEST: [text message]
 *        4 VALIDATION        [u16 count] then per violation [text entity][text path][text message]
 *        7 OPERATION_FAILED  [text exception class][u8 has message][text message if it has one]
 * text: [u16 length][UTF-8]
 * </pre>
 * Texts are cut to {@link #MAX_TEXT_BYTES} and violations to the first {@link #MAX_VIOLATIONS}, so a
 * failure always fits in a reply. Decoding is bounded and fails closed with {@link BadRequestException}.
 */
public sealed interface Reply {
    int VERSION = 1;
    int MAX_TEXT_BYTES = 1024;
    int MAX_VIOLATIONS = 16;
    byte OK = 0, NOT_FOUND = 1, ENTITY_EXISTS = 2, OPTIMISTIC_LOCK = 3, VALIDATION = 4, ACCESS_DENIED = 5,
            BAD_REQUEST = 6, OPERATION_FAILED = 7;

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

    static byte[] failure(StoreException e) {
        EnvelopeWriter w = new EnvelopeWriter().u8(VERSION);
        if (e instanceof ValidationException x) {
            List<ValidationException.Violation> vs = x.violations();
            int n = Math.min(vs.size(), MAX_VIOLATIONS);
            w.u8(VALIDATION).u16(n);
            for (ValidationException.Violation v : vs.subList(0, n))
                w.text(v.entity(), MAX_TEXT_BYTES).text(v.path(), MAX_TEXT_BYTES).text(v.message(), MAX_TEXT_BYTES);
        } else if (e instanceof OperationFailedException x) {
            String message = operationMessage(x);
            w.u8(OPERATION_FAILED).text(x.exceptionClass(), MAX_TEXT_BYTES).u8(message == null ? 0 : 1);
            if (message != null) w.text(message, MAX_TEXT_BYTES);
        } else {
            w.u8(simpleStatus(e)).text(e.getMessage(), MAX_TEXT_BYTES);
        }
        return w.toBytes();
    }

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
            case VALIDATION -> {
                int n = r.u16("violation count");
                if (n > MAX_VIOLATIONS) throw r.bad(n + " violations exceeds " + MAX_VIOLATIONS);
                List<ValidationException.Violation> vs = new ArrayList<>(n);
                for (int i = 0; i < n; i++)
                    vs.add(new ValidationException.Violation(r.text(MAX_TEXT_BYTES, "entity"), r.text(MAX_TEXT_BYTES, "path"),
                            r.text(MAX_TEXT_BYTES, "message")));
                yield new ValidationException(vs);
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
