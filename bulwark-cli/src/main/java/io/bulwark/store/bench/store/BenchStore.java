package io.bulwark.store.bench.store;

import io.bulwark.store.StoreDefinition;
import io.bulwark.store.ValidationException;
import java.util.List;

/**
 * The bench bank as a store, built the same way by the replica processes, the unreplicated row and
 * the clients, and the client side of its operations over any way of invoking them.
 */
public final class BenchStore {
    /** State size of the bench's replicas and of the unreplicated store, in 4 KB pages (16 MiB: ample for the default 1000 accounts). */
    public static final int DEFAULT_PAGES = 4096;

    private BenchStore() {}

    public static StoreDefinition definition() {
        return StoreDefinition.builder().entities(BenchAccount.class).operations(new BenchBankOperations()).build();
    }

    /** How a client invokes one operation: name, whether read-only, result type, arguments. */
    public interface Invoker {
        <R> R invoke(String operation, boolean readOnly, Class<R> resultType, Object... args) throws Exception;
    }

    /** Opens accounts 1..{@code accounts} in requests of at most {@link BenchBankOperations#MAX_OPEN_PER_CALL}. */
    public static void openAccounts(Invoker client, int accounts, long initialBalance) throws Exception {
        for (long first = 1; first <= accounts; first += BenchBankOperations.MAX_OPEN_PER_CALL) {
            long last = Math.min(accounts, first + BenchBankOperations.MAX_OPEN_PER_CALL - 1);
            client.invoke("openAccounts", false, Integer.class, first, last, initialBalance);
        }
    }

    /** One transfer: {@code true} if applied, {@code false} if validation refused the overdraft. */
    public static boolean transfer(Invoker client, long from, long to, long amount) throws Exception {
        try {
            client.invoke("transfer", false, Long.class, from, to, amount);
            return true;
        } catch (ValidationException e) {
            return false;
        }
    }

    /**
     * The sum of all balances, page by page. Sent as ordered requests (a read-only operation may be
     * ordered): after the run the check must see every transfer that completed, whatever path.
     */
    @SuppressWarnings("unchecked")
    public static long totalBalance(Invoker client) throws Exception {
        long sum = 0, next = 1;
        while (true) {
            List<Long> page = client.invoke("sumBalances", false, List.class, next);
            if (page.get(1) == 0) return sum;
            sum = Math.addExact(sum, page.get(0));
            next = page.get(2);
        }
    }

}
