package io.bulwark.store.tx;

import io.bulwark.store.schema.EntityModel;

/**
 * One entity a transaction manages: the instance the operation holds and what is stored for it — the
 * record id, the record bytes and index keys as last written (to see changes and update the indexes),
 * and the version it had when the transaction first saw it (to check detached copies against).
 */
final class Managed {
    final EntityModel model;
    final Object instance;
    final byte[] idKey;
    final long rid;
    final Long loadedVersion;
    byte[] record;
    byte[][] indexKeys;
    /** The version was already incremented (or set at persist) in this transaction. */
    boolean versionBumped;
    /** Persisted, merged or changed in this transaction: validated at commit. */
    boolean touched;
    boolean removed;

    Managed(EntityModel model, Object instance, byte[] idKey, long rid, Long loadedVersion, byte[] record, byte[][] indexKeys) {
        this.model = model;
        this.instance = instance;
        this.idKey = idKey;
        this.rid = rid;
        this.loadedVersion = loadedVersion;
        this.record = record;
        this.indexKeys = indexKeys;
    }
}
