package io.bulwark.bft.durable;

/** A record read back from a journal or a redo log: its sequence number, type (0..255) and payload. */
public record JournalRecord(long seq, int type, byte[] payload) {}
