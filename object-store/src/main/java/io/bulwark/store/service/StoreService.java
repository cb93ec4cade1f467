package io.bulwark.store.service;

import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.core.NonDet;
import io.bulwark.bft.service.PagedState;
import io.bulwark.bft.service.Service;
import io.bulwark.store.BadRequestException;
import io.bulwark.store.Caller;
import io.bulwark.store.OperationFailedException;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.StoreException;
import io.bulwark.store.ValidationException;
import io.bulwark.store.access.AccessPolicy;
import io.bulwark.store.codec.CodecException;
import io.bulwark.store.codec.DeterministicCodec;
import io.bulwark.store.operation.OperationMethod;
import io.bulwark.store.operation.OperationRegistry;
import io.bulwark.store.page.PageOverlay;
import io.bulwark.store.page.PagedStatePages;
import io.bulwark.store.page.Pages;
import io.bulwark.store.schema.SchemaConflictException;
import io.bulwark.store.storage.Storage;
import io.bulwark.store.tx.EntityStore;
import io.bulwark.store.tx.EntityValidator;
import io.bulwark.store.tx.Footprint;
import io.bulwark.store.tx.TxContext;
import io.bulwark.store.xa.CallRunner;
import io.bulwark.store.xa.XaExecutor;
import io.bulwark.store.xa.XaVerbs;
import io.bulwark.store.work.WorkMeter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;

/**
 * The object store as the engine's replicated service: each request is one store operation, run as
 * one transaction on the replicated pages.
 * <p>
 * For each request: decode the {@link RequestEnvelope}; look up the operation; take the caller from
 * the {@link AccessPolicy} by the client id the <em>engine</em> authenticated (never from the request)
 * and check the operation's roles; refuse a request the engine delivers as read-only for an operation
 * not declared read-only; decode the arguments against the parameter types; validate them against the
 * parameters' Bean Validation constraints (at the agreed time); run the operation in a
 * transaction; prepare it (validate, write the changes and versions into its overlay); encode its
 * result; publish it to the pages. Any {@link StoreException} rolls back and becomes its typed
 * reply; any other exception the operation or the store throws rolls back and becomes an
 * {@link OperationFailedException}. So a request, however it was made, either passes access control,
 * validation and the read-only rule and commits, or changes no page.
 * <p>
 * Time and randomness come only from the agreed input: an ordered request sees the agreed time of its
 * batch ({@link NonDet}); a read-only request has no agreed input, so it sees the agreed time of the
 * last writing operation committed to the state (kept in the pages, {@link #CLOCK_META}; the epoch
 * on a blank store), which every replica holding that state agrees on. The seed of {@code Tx.random()} is
 * SHA-256 of (agreed input, client id, request bytes).
 * <p>
 * The access policy must be the same at every replica: its digest is stored in the pages
 * ({@link #POLICY_META}) when the store is formatted, and a replica started with a different policy
 * refuses: {@link #init} throws, and every request is answered with a {@link BadRequestException}
 * saying so, without touching the state. So with a state whose stored schema the replica's entity
 * classes conflict with: at {@link #init}, and after a state transfer ({@link #stateReplaced}).
 * <p>
 * Every operation runs under a deterministic work budget ({@link WorkMeter}: its {@code @Operation(budget)},
 * else the store's): over it, the operation is aborted and rolled back, and the reply is a
 * {@link io.bulwark.store.BudgetExceededException} — at every replica at the same point.
 * <p>
 * Failure texts hold only what the store or the application wrote and class names, never the JVM's
 * messages ({@link io.bulwark.store.codec.FailureText}): a reply's digest is replicated state.
 * <p>
 * Not thread-safe: the engine calls it from its one execution thread. Errors: see
 * {@link #resourceExhaustion} for the rule (resource exhaustion propagates to the engine as this
 * replica's fault; any other Error is an agreed failure).
 */
public final class StoreService implements Service {
    private static final System.Logger LOG = System.getLogger(StoreService.class.getName());
    /** Storage meta key of the SHA-256 of the access policy the store was created with. */
    public static final String POLICY_META = "bulwark.access-policy.sha256";
    /** Storage meta key of the agreed time (ms since the epoch, 8 bytes) of the last committed write. */
    public static final String CLOCK_META = "bulwark.clock";
    private static final byte[] SEED_DOMAIN = "bulwark.store.seed.v1".getBytes(StandardCharsets.US_ASCII);

    private final StoreDefinition definition;
    private final DeterministicCodec codec;
    /** This replica's own, built from the definition's declarations (the definition hands out none). */
    private final EntityStore entityStore;
    private final OperationRegistry operations;
    private final AccessPolicy policy;
    private final int maxResultBytes;
    private final XaExecutor xa;
    private Pages pages;
    /** The stored policy digest has been seen equal to ours (only this service or a state transfer changes the pages). */
    private boolean policyVerified;

    /** A service whose replies fit the engine's default result limit. */
    public StoreService(StoreDefinition definition) {
        this(definition, ProtocolConfig.defaults(1).maxResultBytes());
    }

    /**
     * @param maxResultBytes the engine's limit on result bytes: a larger result is refused (and rolled
     *                       back), and failure replies are cut to fit it
     */
    public StoreService(StoreDefinition definition, int maxResultBytes) {
        if (maxResultBytes < Reply.MIN_FAILURE_BYTES)
            throw new IllegalArgumentException("max result bytes must be at least " + Reply.MIN_FAILURE_BYTES + " (a failure reply must fit)");
        this.definition = definition;
        this.codec = definition.codec();
        this.entityStore = new EntityStore(codec, definition.entityClasses(), definition.validationLocale());
        this.operations = OperationRegistry.of(definition.operationObjects());
        this.policy = definition.accessPolicy();
        this.maxResultBytes = maxResultBytes;
        this.xa = new XaExecutor(codec, definition.xaLimits());
    }

    @Override
    public void init(PagedState state) {
        this.pages = new PagedStatePages(state);
        if (Storage.isFormatted(pages)) {
            String mismatch = policyMismatch(pages);
            if (mismatch != null) throw new IllegalStateException(mismatch);
            entityStore.checkSchema(pages);
            policyVerified = true;
        }
    }

    @Override
    public void stateReplaced() {
        policyVerified = false;   // a transferred state's policy and schema are checked again at the next request
    }

    @Override
    public byte[] execute(byte[] operation, int client, byte[] nonDet, boolean readOnly) {
        if (pages == null) throw new IllegalStateException("execute before init");
        WorkMeter[] meter = new WorkMeter[1];
        try {
            return Reply.ok(run(operation, client, nonDet, readOnly, meter));
        } catch (StoreException e) {
            // An operation that caught its budget failure and threw something else still failed on its budget.
            return Reply.failure(budgetFailure(meter[0], e), maxResultBytes);   // cut to fit the engine's limit, or the client would drop it as malformed
        } catch (RuntimeException e) {
            // The store's own machinery failed (storage full, a value the codec refuses): deterministic, so reported like
            // an operation's failure — with the message only where it is not the JVM's (OperationFailedException.of).
            return Reply.failure(budgetFailure(meter[0], OperationFailedException.of(e)), maxResultBytes);
        } catch (Error e) {
            if (resourceExhaustion(e)) throw e;   // this replica's fault, not the request's: the engine's rule
            return Reply.failure(budgetFailure(meter[0], new OperationFailedException(Error.class.getName(), ERROR_MESSAGE)), maxResultBytes);
        }
    }

    /**
     * The text of a failure by an {@link Error} that is not resource exhaustion. Not its class: a class
     * whose static initializer failed throws ExceptionInInitializerError the first time and
     * NoClassDefFoundError afterwards, and a replica that restarted sees the first again.
     */
    static final String ERROR_MESSAGE = "the operation failed with an Error (a linkage error, an assertion, or the application's own)";

    /**
     * The rule for {@link Error}s, which are not exceptions an operation or the store throws to refuse a
     * request:
     * <ul>
     * <li>A {@link VirtualMachineError} (StackOverflowError, OutOfMemoryError, InternalError), or an Error
     *     caused by one (an ExceptionInInitializerError around a StackOverflowError), is resource
     *     exhaustion: where it strikes depends on this JVM's stack, heap, JIT and GC, not on the request,
     *     so another replica may well have completed the same operation. It propagates: the engine
     *     treats it as a local fault of this replica (no reply for the batch, state repaired from a
     *     checkpoint f+1 replicas vouch for), as if the replica had crashed there.</li>
     * <li>Any other Error (a LinkageError, an AssertionError, an application's Error) is thrown by code
     *     as a function of the classes and the request, the same at every replica running the group's
     *     classes: it becomes an agreed {@link OperationFailedException} with a fixed text. Making it a
     *     local fault instead would let one request that trips an application bug fault every replica
     *     at once and stop the group.</li>
     * </ul>
     */
    static boolean resourceExhaustion(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) if (t instanceof VirtualMachineError) return true;
        return false;
    }

    private static StoreException budgetFailure(WorkMeter meter, StoreException failure) {
        return meter != null && meter.exceeded() != null ? meter.exceeded() : failure;
    }

    private byte[] run(byte[] operation, int client, byte[] nonDet, boolean readOnly, WorkMeter[] meterOut) {
        RequestEnvelope request = RequestEnvelope.decode(operation);
        if (XaVerbs.isVerb(request.operation())) return runVerb(request, operation, client, nonDet, readOnly);
        OperationMethod op = operations.lookup(request.operation());
        Caller caller = policy.callerFor(client);
        AccessPolicy.authorize(caller, op.name(), op.access());
        if (readOnly && !op.readOnly())
            throw new BadRequestException("operation " + op.name() + " is not declared read-only: it cannot be sent as a read-only request");
        Object[] args = decodeArguments(op, request.arguments());
        WorkMeter meter = new WorkMeter(op.name(), op.budget(definition.workBudget()));
        meterOut[0] = meter;

        // An overlay of our own over the pages: the policy and clock metadata commit with the
        // transaction or not at all, and a read-only request's overlay is always thrown away.
        PageOverlay outer = new PageOverlay(pages);
        boolean formatted = Storage.isFormatted(outer);
        if (formatted) verifyPolicy(outer);   // a blank store has no policy yet: its first write records ours
        long millis = readOnly ? storedClock(outer, formatted) : agreedTime(nonDet);
        long seed = seed(nonDet, client, operation);
        byte[] result;
        try {
            // XA branches past their agreed-time bound are rolled back first, so their locks no longer refuse this write.
            if (!readOnly && !op.readOnly()) xa.sweep(outer, millis);
            result = transact(outer, op, caller, args, millis, seed, readOnly, meter, true).result();
        } catch (RuntimeException | Error e) {
            outer.discard();
            throw e;
        }
        if (readOnly || op.readOnly()) {
            outer.discard();   // the transaction wrote nothing (commit checked): nor does the clock move
            return result;
        }
        finishWrite(outer, formatted, millis);
        return result;
    }

    /**
     * Runs {@code op} as one transaction over {@code base} and publishes it into {@code base}: arguments
     * validated, the operation invoked, the transaction prepared (with {@code checkLocks}, refused if it
     * writes what a prepared XA branch holds), the result encoded. Any failure rolls it back and is thrown.
     */
    private CallRunner.Ran transact(Pages base, OperationMethod op, Caller caller, Object[] args, long millis, long seed,
                                    boolean readOnly, WorkMeter meter, boolean checkLocks) {
        TxContext tx = entityStore.begin(base, caller, millis, seed, readOnly || op.readOnly(), meter);
        try {
            validateArguments(op, tx, args, millis, meter);
            Object value = op.invoke(tx, args);
            if (meter.exceeded() != null) throw meter.exceeded();   // the operation swallowed it: it still failed
            // Encode after prepare (which bumps @Version on the managed entities) and before publish: an
            // operation returning an entity it changed replies with the version it committed, and a
            // result too large for a reply still changes nothing.
            tx.prepare();
            Footprint footprint = tx.footprint();
            if (checkLocks) xa.checkWrite(base, footprint);
            byte[] result = codec.encode(value);
            if (result.length + 2 > maxResultBytes)
                throw new BadRequestException("the result of " + op.name() + " is " + result.length + " bytes; a reply carries at most " + (maxResultBytes - 2));
            tx.publish();
            return new CallRunner.Ran(result, footprint);
        } catch (RuntimeException | Error e) {
            tx.rollback();
            throw e;
        }
    }

    /** Records the policy (on the store's first write) and the agreed time, and commits the request's overlay. */
    private void finishWrite(PageOverlay outer, boolean formatted, long millis) {
        boolean recorded = false;
        try {
            if (Storage.isFormatted(outer)) {   // blank before only if this transaction formatted it
                Storage storage = Storage.open(outer);
                if (!formatted) {
                    storage.putMeta(POLICY_META, policy.digest());
                    recorded = true;
                }
                storage.putMeta(CLOCK_META, ByteBuffer.allocate(8).putLong(millis).array());
            }
        } catch (RuntimeException e) {
            outer.discard();
            throw e;
        }
        outer.commit();
        if (recorded) policyVerified = true;
    }

    /**
     * An XA verb ({@link XaVerbs}; the replicas' side in {@link XaExecutor}): always an ordered request,
     * on the caller's own branches only (the client id the engine authenticated is part of every branch's
     * key). A verb that fails after changing the branch table (a prepare that rolls its branch back)
     * commits that change and then answers with its failure.
     */
    private byte[] runVerb(RequestEnvelope request, byte[] operation, int client, byte[] nonDet, boolean readOnly) {
        if (readOnly) throw new BadRequestException("the XA verb " + request.operation() + " cannot be sent as a read-only request");
        PageOverlay outer = new PageOverlay(pages);
        boolean formatted = Storage.isFormatted(outer);
        if (formatted) verifyPolicy(outer);
        long millis = agreedTime(nonDet);
        long seed = seed(nonDet, client, operation);
        XaExecutor.Outcome outcome;
        try {
            xa.sweep(outer, millis);
            outcome = xa.execute(outer, request.operation(), request.arguments(), client, millis, seed, (base, call, m, s) -> runCall(base, call, client, m, s),
                    () -> entityStore.format(outer));
        } catch (RuntimeException | Error e) {
            outer.discard();
            throw e;
        }
        if (outcome.result() != null && outcome.result().length + 2 > maxResultBytes) {
            outer.discard();
            throw new BadRequestException("the answer to " + request.operation() + " is " + outcome.result().length
                    + " bytes; a reply carries at most " + (maxResultBytes - 2));
        }
        finishWrite(outer, formatted, millis);
        if (outcome.failure() != null) throw outcome.failure();
        return outcome.result();
    }

    /**
     * One call of an XA branch, run over {@code base} as the operation would run on its own (access
     * control, argument decoding and validation, its work budget), with the agreed time and seed it first
     * ran with. Failures are thrown as the typed failure the client would get for the same operation.
     */
    private CallRunner.Ran runCall(Pages base, byte[] requestBytes, int client, long millis, long seed) {
        RequestEnvelope request = RequestEnvelope.decode(requestBytes);
        if (XaVerbs.isVerb(request.operation())) throw new BadRequestException("an XA verb cannot be called inside an XA branch");
        OperationMethod op = operations.lookup(request.operation());
        Caller caller = policy.callerFor(client);
        AccessPolicy.authorize(caller, op.name(), op.access());
        Object[] args = decodeArguments(op, request.arguments());
        WorkMeter meter = new WorkMeter(op.name(), op.budget(definition.workBudget()));
        try {
            return transact(base, op, caller, args, millis, seed, false, meter, false);
        } catch (StoreException e) {
            throw budgetFailure(meter, e);
        } catch (RuntimeException e) {
            throw budgetFailure(meter, OperationFailedException.of(e));
        } catch (Error e) {
            if (resourceExhaustion(e)) throw e;
            throw budgetFailure(meter, new OperationFailedException(Error.class.getName(), ERROR_MESSAGE));
        }
    }

    private Object[] decodeArguments(OperationMethod op, List<byte[]> encoded) {
        if (encoded.size() != op.arity())
            throw new BadRequestException("operation " + op.name() + " takes " + op.arity() + " argument(s), got " + encoded.size());
        Object[] args = new Object[encoded.size()];
        for (int i = 0; i < args.length; i++) {
            try {
                args[i] = codec.decode(encoded.get(i), op.argumentType(i));
            } catch (CodecException e) {
                throw new BadRequestException("argument " + (i + 1) + " of " + op.name() + ": " + e.getMessage());
            }
        }
        op.checkArguments(args);
        return args;
    }

    /**
     * Bean Validation of the arguments against the constraints on the operation's parameters, before it
     * runs, with the entities' deterministic setup and the agreed time: a {@link ValidationException}
     * whose violations are named after the operation.
     */
    private void validateArguments(OperationMethod op, TxContext tx, Object[] args, long millis, WorkMeter meter) {
        EntityValidator validator = entityStore.validator();
        if (!validator.constrainsParameters(op.target().getClass(), op.method())) return;
        List<ValidationException.Violation> violations = validator.at(Instant.ofEpochMilli(millis), meter)
                .validateParameters(op.name(), op.target(), op.method(), op.methodArguments(tx, args));
        if (!violations.isEmpty()) throw new ValidationException(violations);
    }

    /**
     * Refuses a state this replica must not run on: another access policy, or a stored schema its
     * entity classes conflict with (it would misread the records). Checked once per state: at the
     * first request, and again after a state transfer.
     */
    private void verifyPolicy(Pages state) {
        if (policyVerified) return;
        String mismatch = policyMismatch(state);
        if (mismatch == null) {
            try {
                entityStore.checkSchema(state);
            } catch (SchemaConflictException e) {
                mismatch = "this replica's entity classes conflict with the schema of the store's state (" + e.getMessage()
                        + "): it refuses to execute until it runs with the group's classes";
            }
        }
        if (mismatch != null) {
            LOG.log(System.Logger.Level.ERROR, mismatch);
            throw new BadRequestException(mismatch);
        }
        policyVerified = true;
    }

    /** Why this replica must not run on {@code state}, or null if the stored policy digest is ours. */
    private String policyMismatch(Pages state) {
        byte[] stored = Storage.open(state).meta(POLICY_META);
        if (stored != null && Arrays.equals(stored, policy.digest())) return null;
        return "this replica's access policy (sha256 " + policy.digestHex() + ") is not the one the store was created with ("
                + (stored == null ? "none recorded" : "sha256 " + HexFormat.of().formatHex(stored))
                + "): it refuses to execute until it runs with the group's policy";
    }

    private static long storedClock(Pages state, boolean formatted) {
        if (!formatted) return 0;
        byte[] b = Storage.open(state).meta(CLOCK_META);
        return b != null && b.length == 8 ? ByteBuffer.wrap(b).getLong() : 0;
    }

    private static long agreedTime(byte[] nonDet) {
        // The engine always supplies the agreed time with an ordered request; anything else is a bug, not a client's doing.
        if (!NonDet.isTime(nonDet)) throw new IllegalStateException("an ordered request without the agreed time (" + nonDet.length + " bytes)");
        return NonDet.decodeTime(nonDet);
    }

    /** SHA-256 of (domain, agreed input, client, request bytes): the same at every replica, different for every request. */
    static long seed(byte[] nonDet, int client, byte[] operation) {
        try {
            MessageDigest d = MessageDigest.getInstance("SHA-256");
            d.update(SEED_DOMAIN);
            d.update(ByteBuffer.allocate(8).putInt(nonDet.length).putInt(client).array());
            d.update(nonDet);
            d.update(operation);
            return ByteBuffer.wrap(d.digest()).getLong();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
