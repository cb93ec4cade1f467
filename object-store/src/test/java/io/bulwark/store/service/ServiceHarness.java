package io.bulwark.store.service;

import io.bulwark.bft.core.NonDet;
import io.bulwark.bft.crypto.Digest;
import io.bulwark.bft.service.PagedState;
import io.bulwark.bft.state.PartitionTree;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.StoreException;
import java.util.ArrayList;
import java.util.List;

/**
 * One replica's side of the store without the network: a {@link StoreService} over a
 * {@link PagedState} on its own {@link PartitionTree}, fed requests as the engine would (authenticated
 * client id, agreed time, read-only flag), with checkpoints to compare root digests.
 */
final class ServiceHarness {
    static final int PAGES = 512;

    final PartitionTree tree = new PartitionTree(PAGES);
    final PagedState state = new PagedState(tree, 0, PAGES);
    final StoreService service;
    final StoreDefinition definition;
    private long seq;

    ServiceHarness(StoreDefinition definition) {
        this.definition = definition;
        this.service = new StoreService(definition);
        service.init(state);
    }

    /** A replica whose engine allows results of at most {@code maxResultBytes}. */
    ServiceHarness(StoreDefinition definition, int maxResultBytes) {
        this.definition = definition;
        this.service = new StoreService(definition, maxResultBytes);
        service.init(state);
    }

    /** Sends raw request bytes as an ordered request agreed at {@code millis}. */
    byte[] ordered(int client, long millis, byte[] request) {
        return service.execute(request, client, NonDet.encodeTime(millis), false);
    }

    /** Sends raw request bytes on the read-only path (no agreed input). */
    byte[] readOnly(int client, byte[] request) {
        return service.execute(request, client, new byte[0], true);
    }

    byte[] request(String op, Object... args) {
        List<byte[]> encoded = new ArrayList<>();
        for (Object a : args) encoded.add(definition.codec().encode(a));
        return new RequestEnvelope(op, encoded).encode();
    }

    /** An ordered call's decoded result, or its typed failure thrown. */
    <T> T call(int client, long millis, Class<T> type, String op, Object... args) {
        return result(ordered(client, millis, request(op, args)), type);
    }

    <T> T callReadOnly(int client, Class<T> type, String op, Object... args) {
        return result(readOnly(client, request(op, args)), type);
    }

    <T> T result(byte[] reply, Class<T> type) {
        Reply r = Reply.decode(reply);
        if (r instanceof Reply.Failed f) throw f.failure();
        return definition.codec().decode(((Reply.Ok) r).result(), type);
    }

    /** The typed failure of a reply (fails the test if it was OK). */
    static StoreException failure(byte[] reply) {
        Reply r = Reply.decode(reply);
        if (r instanceof Reply.Failed f) return f.failure();
        throw new AssertionError("expected a failure, got OK");
    }

    /** Takes the next checkpoint and returns the state's root digest. */
    Digest checkpoint() { return tree.checkpoint(++seq); }
}
