package io.bulwark.store.sim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.bft.service.Service;
import io.bulwark.bft.sim.History;
import io.bulwark.bft.sim.LinearizabilityChecker;
import io.bulwark.bft.sim.Simulation;
import io.bulwark.bft.sim.Workload;
import io.bulwark.bft.sim.adversary.Adversary;
import io.bulwark.store.access.PermitAll;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.Tx;
import io.bulwark.store.ValidationException;
import io.bulwark.store.access.AccessPolicy;
import io.bulwark.store.operation.Operation;
import io.bulwark.store.service.Reply;
import io.bulwark.store.service.RequestEnvelope;
import io.bulwark.store.service.StoreService;
import io.bulwark.store.service.bank.Account;
import io.bulwark.store.service.bank.Bank;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * The object store under the engine's deterministic simulator: a bank whose clients open accounts,
 * move money (sometimes more than there is, which the entity's {@code @Min(0)} must refuse on every
 * replica) and read balances, over a faulty network and with Byzantine replicas and clients. The
 * engine checks equal batches and equal checkpoint digests at correct replicas — the store's pages,
 * heap, indexes and schema included, and their final pages byte for byte; the workload checks each
 * certified result, records the clients' history and has it checked for linearizability against
 * the bank's sequential specification ({@link BankModel}: exact balances and transfer answers, each
 * refusal an overdraft in that order), with every account's final balance at a correct replica read
 * as one more operation after all others; and at the end, that no money was made or lost.
 */
class StoreSimulationTest {
    static final long INITIAL = 1_000;
    static final int ACCOUNTS_PER_CLIENT = 2;

    /** The auditor's view: the sum of every balance, read through the store like any operation. */
    public static final class Audit {
        @Operation(readOnly = true)
        @PermitAll
        public long total(Tx tx) {
            long sum = 0;
            long offset = 0;
            while (true) {
                List<Account> page = tx.range(Account.class, "number", null, null, false, offset, 500);
                for (Account a : page) sum += a.balance;
                if (page.size() < 500) return sum;
                offset += page.size();
            }
        }
    }

    static StoreDefinition definition() {
        AccessPolicy.Builder policy = AccessPolicy.builder();
        for (int client = 0; client < 64; client++) policy.grant(client, "teller-" + client, "teller");
        return StoreDefinition.builder().entities(Account.class).values(PoisonClients.VALUES)
                .operations(new Bank(), new Audit(), new PoisonClients.Ops()).accessPolicy(policy.build()).build();
    }

    /** What a hostile client encodes with: the same classes, any depth the codec can write. */
    static io.bulwark.store.codec.DeterministicCodec hostileCodec() {
        return io.bulwark.store.codec.DeterministicCodec.builder().register(Account.class).register(PoisonClients.VALUES)
                .maxDepth(io.bulwark.store.codec.DeterministicCodec.MAX_DEPTH_LIMIT).build();
    }

    /** The bank workload; its oracles only accept what a correct store may answer. */
    static final class BankWorkload implements Workload {
        final StoreDefinition definition = definition();
        final List<String> opened = new ArrayList<>();
        final History history = new History();
        long transfers, refusedOverdrafts, finalChecks, balanceReads;
        /** Simulated time of the last event a script saw (for the final reads' place in the history). */
        long lastUs;
        boolean finalBalancesRecorded;
        /** Clients with this id modulo 4 send poison requests (issue 19); -1: none. Their calls are not in the history. */
        final int poisonClass;
        final io.bulwark.store.codec.DeterministicCodec hostile = hostileCodec();
        long poisonCompleted;

        BankWorkload() { this(-1); }

        BankWorkload(int poisonClass) { this.poisonClass = poisonClass; }

        @Override public int pages() { return 256; }

        @Override public Service newService() { return new StoreService(definition()); }

        @Override public String name() { return "store-bank"; }

        byte[] request(String op, Object... args) {
            List<byte[]> encoded = new ArrayList<>();
            for (Object a : args) encoded.add(definition.codec().encode(a));
            return new RequestEnvelope(op, encoded).encode();
        }

        @Override public ClientScript client(int clientId, SplittableRandom random) {
            if (clientId % 4 == poisonClass) {
                ClientScript poison = PoisonClients.script(definition.codec(), hostile, random);
                return new ClientScript() {   // counted, not in the bank's history
                    @Override public Operation next() { return poison.next(); }
                    @Override public String completed(byte[] result) {
                        poisonCompleted++;
                        return poison.completed(result);
                    }
                };
            }
            return new ClientScript() {
                int opening;
                String kind;
                String account;
                History.Op current;

                @Override public Operation next() { return next(lastUs); }

                @Override public Operation next(long nowUs) {
                    lastUs = nowUs;
                    if (opening < ACCOUNTS_PER_CLIENT || opened.size() < 2) {
                        kind = "open";
                        account = "c" + clientId + "-" + opening++;
                        current = history.invoke(clientId, 0, new BankModel.Open(account, INITIAL), nowUs);
                        return new Operation(request("open", account, "owner-" + clientId, INITIAL), false);
                    }
                    String from = opened.get(random.nextInt(opened.size()));
                    // Another account: a transfer to itself changes nothing whatever the amount.
                    String to = opened.get((opened.indexOf(from) + 1 + random.nextInt(opened.size() - 1)) % opened.size());
                    if (random.nextInt(4) == 0) {
                        kind = "balance";
                        current = history.invoke(clientId, 0, new BankModel.Balance(from), nowUs);
                        return new Operation(request("balance", from), true);
                    }
                    kind = "transfer";
                    // Now and then more than any account can hold: the invariant must refuse it.
                    long amount = random.nextInt(10) == 0 ? 1 + INITIAL * 100 : 1 + random.nextInt(300);
                    current = history.invoke(clientId, 0, new BankModel.Transfer(from, to, amount), nowUs);
                    return new Operation(request("transfer", from, to, amount), false);
                }

                @Override public String completed(byte[] result) { return completed(result, lastUs); }

                @Override public String completed(byte[] result, long nowUs) {
                    lastUs = nowUs;
                    Reply r;
                    try {
                        r = Reply.decode(result);
                    } catch (RuntimeException e) {
                        history.complete(current, "undecodable", nowUs);
                        return kind + ": undecodable reply: " + e.getMessage();
                    }
                    if (r instanceof Reply.Failed f) {
                        if (kind.equals("transfer") && f.failure() instanceof ValidationException) {
                            // Only an overdraft may be refused, and only where the order makes it one: the checker judges.
                            history.complete(current, BankModel.REFUSED, nowUs);
                            refusedOverdrafts++;
                            return null;
                        }
                        history.complete(current, "failed: " + f.failure(), nowUs);
                        return kind + " failed: " + f.failure();
                    }
                    long value = kind.equals("open") ? 0 : definition.codec().decode(((Reply.Ok) r).result(), Long.class);
                    history.complete(current, kind.equals("open") ? BankModel.OPENED : (Object) value, nowUs);
                    switch (kind) {
                        case "open" -> opened.add(account);
                        case "transfer" -> transfers++;
                        default -> balanceReads++;
                    }
                    return value < 0 ? kind + " returned a negative balance " + value : null;
                }
            };
        }

        @Override public String checkFinal(Service service) {
            finalChecks++;
            byte[] reply = service.execute(request("total"), 4, new byte[0], true);
            Reply r = Reply.decode(reply);
            if (!(r instanceof Reply.Ok ok)) return "total failed: " + r;
            long total = definition.codec().decode(ok.result(), Long.class);
            long expected = opened.size() * INITIAL;
            if (total != expected) return "the accounts hold " + total + " but " + opened.size() + " accounts were opened with " + INITIAL;
            if (!finalBalancesRecorded) {
                // Every account's final balance (at the first replica checked; the others' pages are
                // compared with its byte for byte) as reads after everything else.
                finalBalancesRecorded = true;
                for (String account : opened) {
                    Reply b = Reply.decode(service.execute(request("balance", account), 4, new byte[0], true));
                    if (!(b instanceof Reply.Ok bo)) return "final balance of " + account + " failed: " + b;
                    History.Op op = history.invoke(-1, 0, new BankModel.Balance(account), lastUs);
                    history.complete(op, definition.codec().decode(bo.result(), Long.class), lastUs);
                }
            }
            return null;
        }

        @Override public LinearizabilityChecker.Result checkHistory() {
            return LinearizabilityChecker.check(history.ops(), BankModel.INSTANCE);
        }
    }

    /**
     * Seeds 1 to 2A with every adversary, A of them (each is the main one of two consecutive seeds:
     * s/2 mod A), and six more with none.
     */
    @Test
    void theBankIsSafeAndLiveUnderTheSimulatorsFaultsAndAdversaries() {
        long refused = 0, transfers = 0, reads = 0;
        java.util.Set<Adversary> mains = java.util.EnumSet.noneOf(Adversary.class);
        int adversarial = 2 * Adversary.values().length;
        for (long seed = 1; seed <= adversarial + 6; seed++) {
            // A poison client (issue 19) in every fourth seed, beside the correct ones.
            BankWorkload w = new BankWorkload(seed % 4 == 0 ? (int) (seed / 4 % 4) : -1);
            List<Adversary> pool = seed > adversarial ? List.of() : Adversary.parse("all");
            Simulation.Options o = new Simulation.Options(seed, seed % 2 == 0 ? 2 : 1, 150, 5, true, pool, Double.NaN, Double.NaN)
                    .withWorkload(w);
            Simulation.Outcome out = new Simulation(o).run();
            assertTrue(out.ok(), () -> o.replayCommand() + ": " + out.safetyViolations() + " " + out.livenessFailure()
                    + (out.unknownKeys() > 0 ? " (linearizability unknown)" : ""));
            assertEquals(150, out.committed());
            assertTrue(out.checkpointsCompared() > 0, "checkpoint digests of the store's pages were compared between two replicas");
            assertTrue(out.finalReplicasCompared() > 0, "final pages compared byte for byte");
            assertTrue(w.finalChecks > 0, "the final state was audited");
            assertEquals(1, out.keysChecked(), "the bank's history was checked");
            assertEquals(150 - w.poisonCompleted + w.opened.size(), w.history.ops().size(),
                    "every correct client's operation (read-only ones too) and the final reads are in the history");
            if (out.mainAdversary() != null) mains.add(out.mainAdversary());
            refused += w.refusedOverdrafts;
            transfers += w.transfers;
            reads += w.balanceReads;
        }
        assertTrue(refused > 0, "some overdrafts were refused by the invariant");
        assertTrue(transfers > 0, "money moved");
        assertTrue(reads > 0, "balances were read");
        assertEquals(java.util.EnumSet.allOf(Adversary.class), mains, "every adversary was the main one of some seed");
    }

    /**
     * Issue 19: faulty clients send poison requests and hostile argument graphs through the bank
     * workload, beside correct clients, with the simulator's faults and adversaries. Correct replicas
     * must send equal replies (their checkpoints, which cover reply digests, are compared), none may
     * fail an execution, checkpoints keep becoming stable, and the bank stays consistent.
     */
    @Test
    void poisonRequestsNeitherSplitNorStopTheGroup() {
        for (long seed = 101; seed <= 108; seed++) {
            BankWorkload w = new BankWorkload((int) (seed % 4));
            List<Adversary> pool = seed % 2 == 0 ? List.of() : Adversary.parse("all");
            Simulation.Options o = new Simulation.Options(seed, 1, 200, 8, true, pool, Double.NaN, Double.NaN).withWorkload(w);
            Simulation.Outcome out = new Simulation(o).run();
            assertTrue(out.ok(), () -> o.replayCommand() + ": " + out.safetyViolations() + " " + out.livenessFailure());
            assertEquals(200, out.committed());
            assertTrue(out.checkpointsCompared() > 0, "checkpoint digests were compared: checkpoints became stable");
            assertTrue(w.finalChecks > 0, "the final state was audited");
        }
    }
}
