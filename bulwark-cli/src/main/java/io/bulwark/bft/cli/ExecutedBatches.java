package io.bulwark.bft.cli;

import io.bulwark.bft.node.BftClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A counter for {@link ProcessMeter#count}: the last batch replica 0 executed, asked through the
 * protocol (STATUS-QUERY) by a bench's client; -1 when it does not answer in time. Over a window it
 * gives requests per batch, what a BFT point's CPU per request follows most.
 */
public final class ExecutedBatches {
    private ExecutedBatches() {}

    public static LongSupplier askedBy(BftClient asker) {
        return () -> {
            try {
                return asker.status(0, Duration.ofSeconds(5)).get(10, TimeUnit.SECONDS).lastExecuted();
            } catch (Exception e) {
                return -1;
            }
        };
    }
}
