package io.bulwark.store.xa;

import io.bulwark.store.BadRequestException;
import io.bulwark.store.EntityLockedException;
import io.bulwark.store.StoreException;
import io.bulwark.store.XaBranchException;
import io.bulwark.store.codec.CodecException;
import io.bulwark.store.codec.DeterministicCodec;
import io.bulwark.store.page.PageOverlay;
import io.bulwark.store.page.Pages;
import io.bulwark.store.storage.Storage;
import io.bulwark.store.tx.Footprint;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import javax.transaction.xa.XAException;
import javax.transaction.xa.XAResource;

/**
 * The replicas' side of the store as an XA resource: runs the {@link XaVerbs} against the branches kept in
 * the replicated pages ({@link BranchTable}). Deterministic: a function of the pages, the verb, the
 * authenticated client and the agreed time, the same at every correct replica.
 * <p>
 * <b>The design: record, then re-execute and compare.</b> A call inside a branch runs the branch's earlier
 * calls and then itself, each with the agreed time and seed it first ran with, over a scratch copy of the
 * state that is thrown away; so it sees the branch's own writes, and changes nothing but the branch's
 * record, which gains the call and the SHA-256 of its result. Prepare runs all the calls again over the
 * current state and requires every result to be byte-for-byte the one the client got: the branch then
 * takes effect as if it ran whole at the moment of prepare, and the client saw nothing that execution
 * would not give (optimistic concurrency, validated by results rather than by read versions; a value
 * changed by someone else that the branch read but whose change leaves its results equal does not fail
 * it, correctly). Prepare also checks Bean Validation and every other rule, as each call runs as the
 * operation it is. It then records the branch PREPARED with its footprint (the entities and types its
 * calls read and wrote) as locks, and answers {@code XA_OK}, all in the replicated state. While prepared,
 * nothing may write what the branch read or wrote ({@link EntityLockedException}), so commit, which runs
 * the calls once more and publishes their writes, gets the same results: commit applies exactly what
 * prepare validated. Rollback drops the record and its locks.
 * <p>
 * A branch active or prepared longer than its bound in agreed time without a verb ({@link XaLimits}) is
 * rolled back by {@link #sweep} at the next ordered request: an active one loses its calls (its prepare or
 * one-phase commit within one more bound answers {@code XA_RBTIMEOUT}; after that, {@code XAER_NOTA}), a prepared one is kept as heuristically rolled back ({@code XA_HEURRB} to
 * commit and rollback, listed by recover) until forget.
 * <p>
 * Failures: a verb that changes the branch table and fails (prepare rolling a branch back) returns its
 * failure in an {@link Outcome} with the pages to commit; an exception thrown changed nothing.
 */
public final class XaExecutor {
    /** The most expired branches one request rolls back (the rest at the next one). */
    static final int SWEEP_BATCH = 64;

    private final DeterministicCodec codec;
    private final XaLimits limits;

    public XaExecutor(DeterministicCodec codec, XaLimits limits) {
        this.codec = codec;
        this.limits = limits;
    }

    /** A verb's answer: its encoded result, or the failure to reply with after committing the pages. */
    public record Outcome(byte[] result, StoreException failure) {}

    /**
     * Rolls back the branches whose deadline is before {@code now} (formatted pages only): active ones
     * are dropped, prepared ones release their locks and become heuristically rolled back.
     */
    public void sweep(Pages pages, long now) {
        if (!Storage.isFormatted(pages)) return;
        BranchTable table = BranchTable.over(pages);
        for (byte[] key : table.expired(now, SWEEP_BATCH)) {
            BranchRecord rec = table.get(key);
            if (rec == null) throw new io.bulwark.store.storage.StorageException("corrupt XA deadline tree: it names no branch");
            switch (rec.state()) {
                case PREPARED -> {
                    table.release(rec.footprint());
                    table.put(key, rec, new BranchRecord(BranchRecord.State.HEURISTIC_ROLLBACK, 0, List.of(), Footprint.EMPTY));
                }
                case ACTIVE -> table.put(key, rec, new BranchRecord(BranchRecord.State.TIMED_OUT,
                        now + limits.branchTimeout().toMillis(), List.of(), Footprint.EMPTY));
                default -> table.delete(key, rec);   // a timed-out branch nobody asked about within another bound
            }
        }
    }

    /** Whether an ordinary write with this footprint may commit now ({@link EntityLockedException} if not). */
    public void checkWrite(Pages pages, Footprint fp) {
        if (Storage.isFormatted(pages) && !fp.writesNothing()) BranchTable.over(pages).checkWrite(fp);
    }

    /**
     * Runs one verb for {@code client} at agreed time {@code millis} over {@code pages} (the request's
     * overlay; formatted by {@code format} when a call needs the branch table on a blank store).
     */
    public Outcome execute(Pages pages, String verb, List<byte[]> args, int client, long millis, long seed, CallRunner runner,
                           Runnable format) {
        if (verb.equals(XaVerbs.RECOVER)) {
            arity(verb, args, 0);
            return ok(codec.encode(recover(pages, client)));
        }
        int expected = verb.equals(XaVerbs.CALL) ? 2 : 1;
        arity(verb, args, expected);
        BranchXid xid = BranchXid.decode(bytes(verb, args.get(0), "the Xid"));
        byte[] key = BranchTable.branchKey(client, xid);
        return switch (verb) {
            case XaVerbs.CALL -> {
                byte[] inner = bytes(verb, args.get(1), "the request");
                if (!Storage.isFormatted(pages)) format.run();
                yield ok(call(BranchTable.over(pages), key, xid, client, inner, millis, seed, pages, runner));
            }
            case XaVerbs.PREPARE -> prepare(table(pages, xid), key, xid, client, millis, pages, runner);
            case XaVerbs.COMMIT -> commit(table(pages, xid), key, xid, pages, runner);
            case XaVerbs.COMMIT_ONE_PHASE -> commitOnePhase(table(pages, xid), key, xid, pages, runner);
            case XaVerbs.ROLLBACK -> rollback(table(pages, xid), key, xid);
            case XaVerbs.FORGET -> forget(table(pages, xid), key, xid);
            default -> throw new BadRequestException("unknown XA verb " + verb);
        };
    }

    private byte[] call(BranchTable table, byte[] key, BranchXid xid, int client, byte[] inner, long millis, long seed,
                        Pages pages, CallRunner runner) {
        BranchRecord rec = table.get(key);
        if (rec == null) {
            int open = table.ofClient(client).size();
            if (open >= limits.maxOpenPerClient())
                throw new XaBranchException(XAException.XAER_RMERR, "client " + client + " already holds " + open
                        + " open XA branches, the store's bound: complete or forget some before starting " + xid);
            rec = new BranchRecord(BranchRecord.State.ACTIVE, 0, List.of(), Footprint.EMPTY);
        } else if (rec.state() != BranchRecord.State.ACTIVE) {
            throw new XaBranchException(XAException.XAER_PROTO, "branch " + xid + " is " + describe(rec.state()) + ": it takes no more calls");
        }
        if (rec.calls().size() >= limits.maxCallsPerBranch())
            throw new XaBranchException(XAException.XAER_RMERR, "branch " + xid + " already holds " + rec.calls().size()
                    + " calls, the store's bound per branch");
        PageOverlay scratch = new PageOverlay(pages);
        CallRunner.Ran ran;
        try {
            replay(scratch, rec, xid, runner, XAException.XA_RBINTEGRITY);
            ran = runner.run(scratch, inner, millis, seed);
        } finally {
            scratch.discard();
        }
        table.put(key, rec, rec.plus(new BranchRecord.Call(millis, seed, inner, sha256(ran.result())), millis + limits.branchTimeout().toMillis()));
        return ran.result();
    }

    private Outcome prepare(BranchTable table, byte[] key, BranchXid xid, int client, long millis, Pages pages, CallRunner runner) {
        BranchRecord rec = existing(table, key, xid);
        switch (rec.state()) {
            case PREPARED -> throw new XaBranchException(XAException.XAER_PROTO, "branch " + xid + " is already prepared");
            case HEURISTIC_ROLLBACK -> throw heuristic(xid);
            case TIMED_OUT -> {
                table.delete(key, rec);
                return failed(timedOut(xid));
            }
            case ACTIVE -> { }
        }
        if (rec.calls().isEmpty()) {
            table.delete(key, rec);
            return ok(codec.encode(XAResource.XA_RDONLY));
        }
        long prepared = table.ofClient(client).stream().filter(e -> e.getValue().state() == BranchRecord.State.PREPARED).count();
        if (prepared >= limits.maxPreparedPerClient()) {
            table.delete(key, rec);
            return failed(new XaBranchException(XAException.XA_RBOTHER, "client " + client + " already holds " + prepared
                    + " prepared XA branches, the store's bound: branch " + xid + " is rolled back"));
        }
        PageOverlay scratch = new PageOverlay(pages);
        Footprint fp;
        try {
            fp = replay(scratch, rec, xid, runner, XAException.XA_RBINTEGRITY);
            BranchTable.over(pages).checkPrepare(fp);
        } catch (XaBranchException e) {
            table.delete(key, rec);
            return failed(e);
        } catch (EntityLockedException e) {
            table.delete(key, rec);
            return failed(new XaBranchException(XAException.XA_RBROLLBACK, "branch " + xid + " is rolled back: " + e.getMessage()));
        } finally {
            scratch.discard();
        }
        if (fp.writesNothing()) {   // read-only: its results were just validated; nothing to hold or commit
            table.delete(key, rec);
            return ok(codec.encode(XAResource.XA_RDONLY));
        }
        table.lock(fp);
        table.put(key, rec, rec.with(BranchRecord.State.PREPARED, millis + limits.branchTimeout().toMillis(), fp));
        return ok(codec.encode(XAResource.XA_OK));
    }

    private Outcome commit(BranchTable table, byte[] key, BranchXid xid, Pages pages, CallRunner runner) {
        BranchRecord rec = existing(table, key, xid);
        switch (rec.state()) {
            case ACTIVE -> throw new XaBranchException(XAException.XAER_PROTO, "branch " + xid + " is not prepared: prepare it, or commit it in one phase");
            case HEURISTIC_ROLLBACK -> throw heuristic(xid);
            case TIMED_OUT -> throw new XaBranchException(XAException.XAER_PROTO, "branch " + xid + " was never prepared, and timed out");
            case PREPARED -> { }
        }
        table.release(rec.footprint());
        PageOverlay scratch = new PageOverlay(pages);
        try {
            replay(scratch, rec, xid, runner, XAException.XA_HEURRB);
        } catch (XaBranchException e) {
            // Cannot happen while the locks cover every input of the calls; if it does, the branch is not half-applied.
            scratch.discard();
            table.put(key, rec, new BranchRecord(BranchRecord.State.HEURISTIC_ROLLBACK, 0, List.of(), Footprint.EMPTY));
            return failed(new XaBranchException(XAException.XA_HEURRB, "branch " + xid + " could not be committed as prepared and was rolled back: " + e.getMessage()));
        }
        scratch.commit();
        table.delete(key, rec);
        return ok(codec.encode(null));
    }

    private Outcome commitOnePhase(BranchTable table, byte[] key, BranchXid xid, Pages pages, CallRunner runner) {
        BranchRecord rec = existing(table, key, xid);
        switch (rec.state()) {
            case PREPARED -> throw new XaBranchException(XAException.XAER_PROTO, "branch " + xid + " is prepared: commit it in two phases");
            case HEURISTIC_ROLLBACK -> throw heuristic(xid);
            case TIMED_OUT -> {
                table.delete(key, rec);
                return failed(timedOut(xid));
            }
            case ACTIVE -> { }
        }
        PageOverlay scratch = new PageOverlay(pages);
        try {
            Footprint fp = replay(scratch, rec, xid, runner, XAException.XA_RBINTEGRITY);
            BranchTable.over(pages).checkWrite(fp);
        } catch (XaBranchException e) {
            scratch.discard();
            table.delete(key, rec);
            return failed(e);
        } catch (EntityLockedException e) {
            scratch.discard();
            table.delete(key, rec);
            return failed(new XaBranchException(XAException.XA_RBROLLBACK, "branch " + xid + " is rolled back: " + e.getMessage()));
        }
        scratch.commit();
        table.delete(key, rec);
        return ok(codec.encode(null));
    }

    private Outcome rollback(BranchTable table, byte[] key, BranchXid xid) {
        BranchRecord rec = existing(table, key, xid);
        if (rec.state() == BranchRecord.State.HEURISTIC_ROLLBACK) throw heuristic(xid);
        if (rec.state() == BranchRecord.State.PREPARED) table.release(rec.footprint());
        table.delete(key, rec);   // active, prepared or timed out: gone
        return ok(codec.encode(null));
    }

    private Outcome forget(BranchTable table, byte[] key, BranchXid xid) {
        BranchRecord rec = existing(table, key, xid);
        if (rec.state() != BranchRecord.State.HEURISTIC_ROLLBACK)
            throw new XaBranchException(XAException.XAER_PROTO, "branch " + xid + " is " + describe(rec.state()) + ": only a heuristically completed branch can be forgotten");
        table.delete(key, rec);
        return ok(codec.encode(null));
    }

    private byte[] recover(Pages pages, int client) {
        List<BranchXid> out = new ArrayList<>();
        if (Storage.isFormatted(pages))
            for (Map.Entry<BranchXid, BranchRecord> e : BranchTable.over(pages).ofClient(client))
                if (e.getValue().state() == BranchRecord.State.PREPARED || e.getValue().state() == BranchRecord.State.HEURISTIC_ROLLBACK)
                    out.add(e.getKey());
        return XaVerbs.encodeXids(out);
    }

    /**
     * Runs the branch's calls in order over {@code scratch}, each with its own agreed time and seed; every
     * result must be the one recorded. Their footprint together; {@link XaBranchException} with
     * {@code code} naming the first call that now fails or answers otherwise.
     */
    private static Footprint replay(Pages scratch, BranchRecord rec, BranchXid xid, CallRunner runner, int code) {
        Footprint fp = Footprint.EMPTY;
        for (int i = 0; i < rec.calls().size(); i++) {
            BranchRecord.Call c = rec.calls().get(i);
            CallRunner.Ran ran;
            try {
                ran = runner.run(scratch, c.request(), c.millis(), c.seed());
            } catch (StoreException e) {
                throw new XaBranchException(code, "call " + (i + 1) + " of branch " + xid + " now fails (" + e.getClass().getSimpleName() + ": "
                        + e.getMessage() + "): another transaction changed what the branch read");
            }
            if (!Arrays.equals(sha256(ran.result()), c.resultDigest()))
                throw new XaBranchException(code, "call " + (i + 1) + " of branch " + xid
                        + " now gives another result than the one its caller got: another transaction changed what the branch read");
            fp = fp.plus(ran.footprint());
        }
        return fp;
    }

    private static BranchTable table(Pages pages, BranchXid xid) {
        if (!Storage.isFormatted(pages)) throw notFound(xid);
        return BranchTable.over(pages);
    }

    private static BranchRecord existing(BranchTable table, byte[] key, BranchXid xid) {
        BranchRecord rec = table.get(key);
        if (rec == null) throw notFound(xid);
        return rec;
    }

    private static XaBranchException notFound(BranchXid xid) {
        return new XaBranchException(XAException.XAER_NOTA, "no branch " + xid + " of this client");
    }

    private static XaBranchException heuristic(BranchXid xid) {
        return new XaBranchException(XAException.XA_HEURRB, "branch " + xid
                + " stayed prepared past the store's bound and was rolled back heuristically; forget it once recorded");
    }

    private static XaBranchException timedOut(BranchXid xid) {
        return new XaBranchException(XAException.XA_RBTIMEOUT, "branch " + xid + " had no call within the store's bound and was rolled back");
    }

    private static String describe(BranchRecord.State s) {
        return switch (s) {
            case TIMED_OUT -> "rolled back after its bound";
            case ACTIVE -> "active";
            case PREPARED -> "prepared";
            case HEURISTIC_ROLLBACK -> "heuristically rolled back";
        };
    }

    private byte[] bytes(String verb, byte[] arg, String what) {
        try {
            byte[] b = codec.decode(arg, byte[].class);
            if (b == null) throw new BadRequestException(verb + ": " + what + " is null");
            return b;
        } catch (CodecException e) {
            throw new BadRequestException(verb + ": " + what + " is not a byte array: " + e.getMessage());
        }
    }

    private static void arity(String verb, List<byte[]> args, int n) {
        if (args.size() != n) throw new BadRequestException(verb + " takes " + n + " argument(s), got " + args.size());
    }

    private static Outcome ok(byte[] result) { return new Outcome(result, null); }

    private static Outcome failed(StoreException e) { return new Outcome(null, e); }

    static byte[] sha256(byte[] b) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is required of every Java platform", e);
        }
    }
}
