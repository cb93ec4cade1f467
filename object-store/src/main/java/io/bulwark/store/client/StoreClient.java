package io.bulwark.store.client;

import io.bulwark.bft.node.Invoker;
import io.bulwark.store.BadRequestException;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.StoreException;
import io.bulwark.store.codec.CodecException;
import io.bulwark.store.codec.DeterministicCodec;
import io.bulwark.store.service.Reply;
import io.bulwark.store.service.RequestEnvelope;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import io.bulwark.store.xa.BranchContext;
import io.bulwark.store.xa.BranchXid;
import io.bulwark.store.xa.XaVerbs;
import java.util.concurrent.TimeoutException;

/**
 * Invokes store operations by name over a connected {@link io.bulwark.bft.node.Invoker} (a {@link io.bulwark.bft.node.BftClient}, or the unreplicated baseline). The outcome is one of three
 * kinds a caller can tell apart:
 * <ul>
 * <li>the operation's result, certified by the group;</li>
 * <li>a {@link StoreException} subclass the group agreed on (validation with its property paths and
 *     messages, access denied, optimistic-lock conflict, not found, entity exists, bad request, the
 *     operation's own failure): the operation changed nothing;</li>
 * <li>a {@link GroupUnavailableException}: no certified reply in time, the wait was interrupted, or the
 *     certified reply could not be decoded: the operation may or may not have run.</li>
 * </ul>
 * A certified result of another type than the one asked for is a {@link ResultTypeException}: the
 * operation ran and committed.
 * Arguments must have exactly the operation's parameter types (a {@code long} parameter takes a
 * {@code Long}, not an {@code Integer}). Thread-safe as the underlying client; it does not own it.
 */
public final class StoreClient {
    private final Invoker client;
    private final DeterministicCodec codec;
    private final Duration timeout;
    /** Null: calls are never sent inside an XA branch. */
    private final BranchContext branches;

    /** @param codec the store's codec, built from the same classes in the same order as the replicas' */
    public StoreClient(Invoker client, DeterministicCodec codec, Duration timeout) {
        this(client, codec, timeout, null);
    }

    /**
     * A client whose calls join the XA branch {@code branches} associates with the calling thread, if any: such a
     * call is sent as an ordered {@code #xa.call} request (read-only operations too, so that they see the branch's
     * own writes) and takes effect only when the branch commits ({@link io.bulwark.store.xa.XaExecutor}).
     */
    public StoreClient(Invoker client, DeterministicCodec codec, Duration timeout, BranchContext branches) {
        this.branches = branches;
        this.client = Objects.requireNonNull(client, "client");
        this.codec = Objects.requireNonNull(codec, "codec");
        if (timeout.isNegative() || timeout.isZero()) throw new IllegalArgumentException("timeout must be positive");
        this.timeout = timeout;
    }

    public StoreClient(Invoker client, StoreDefinition definition, Duration timeout) {
        this(client, definition.codec(), timeout);
    }

    /** Invokes {@code operation} as an ordered request and returns its result as {@code resultType} (Void.class for none). */
    public <R> R invoke(String operation, Class<R> resultType, Object... args) {
        return call(operation, false, resultType, args);
    }

    /**
     * Invokes a read-only operation on the engine's read-only path (answered by 2f+1 matching replies
     * without an agreement round). The replicas refuse it if the operation is not declared read-only.
     */
    public <R> R invokeReadOnly(String operation, Class<R> resultType, Object... args) {
        return call(operation, true, resultType, args);
    }

    private <R> R call(String operation, boolean readOnly, Class<R> resultType, Object[] args) {
        byte[] request = encode(operation, args);
        BranchXid branch = branches == null || XaVerbs.isVerb(operation) ? null : branches.current();
        if (branch != null) {
            try {
                request = new RequestEnvelope(XaVerbs.CALL, List.of(codec.encode(branch.encode()), codec.encode(request))).encode();
            } catch (CodecException | IllegalArgumentException e) {
                throw new BadRequestException(operation + " inside XA branch " + branch + ": " + e.getMessage());
            }
            readOnly = false;   // ordered: a read inside a branch sees the branch's writes, and is validated at prepare
        }
        byte[] replyBytes;
        try {
            replyBytes = client.invoke(request, readOnly, timeout);
        } catch (TimeoutException e) {
            if (branch != null) branches.inDoubt(branch);
            throw new GroupUnavailableException("no certified reply to " + operation + " within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            if (branch != null) branches.inDoubt(branch);
            throw new GroupUnavailableException("interrupted waiting for the reply to " + operation, e);
        } catch (IllegalStateException e) {
            // The engine client refused the call before sending it: an over-long operation is the caller's; the rest (closed, queue full) is the client's state.
            if (e.getCause() instanceof IllegalArgumentException refused) throw new BadRequestException(operation + ": " + refused.getMessage());
            throw new GroupUnavailableException(operation + ": " + e.getMessage(), e);
        }
        Reply reply;
        try {
            reply = Reply.decode(replyBytes);
        } catch (BadRequestException e) {
            if (branch != null) branches.inDoubt(branch);
            throw new GroupUnavailableException("the certified reply to " + operation + " cannot be decoded: " + e.getMessage(), e);
        }
        if (reply instanceof Reply.Failed failed) throw failed.failure();
        byte[] result = ((Reply.Ok) reply).result();
        Object value;
        try {
            value = codec.decode(result, Object.class);
        } catch (CodecException e) {
            if (branch != null) branches.inDoubt(branch);
            throw new GroupUnavailableException("the certified result of " + operation + " cannot be decoded: " + e.getMessage(), e);
        }
        Class<R> type = boxed(resultType);
        if (value == null && resultType.isPrimitive() && resultType != void.class)
            throw new ResultTypeException(operation, resultType.getName(), "null");
        if (value != null && !type.isInstance(value)) throw new ResultTypeException(operation, resultType.getName(), value.getClass().getName());
        return type.cast(value);
    }

    /** The request bytes; a value the codec cannot encode is the caller's mistake: {@link BadRequestException}, nothing sent. */
    private byte[] encode(String operation, Object[] args) {
        List<byte[]> encoded = new ArrayList<>(args.length);
        try {
            for (Object a : args) encoded.add(codec.encode(a));
            return new RequestEnvelope(operation, encoded).encode();
        } catch (CodecException | IllegalArgumentException e) {
            throw new BadRequestException(operation + ": " + e.getMessage());
        }
    }

    @SuppressWarnings("unchecked")
    private static <R> Class<R> boxed(Class<R> t) {
        if (!t.isPrimitive()) return t;
        return (Class<R>) java.lang.invoke.MethodType.methodType(t).wrap().returnType();
    }
}
