/**
 * A durable replica's files (issue 12 item 1, the storage layer; the core's persist step and the
 * restart from the journal are wired on top of this later).
 * <h2>On-disk format (all integers big-endian)</h2>
 * <dl>
 *   <dt>Record frame ({@link io.bulwark.bft.durable.RecordFormat})</dt>
 *   <dd>{@code length (4) | crc32c (4) | seq (8) | type (1) | payload (length)}; the CRC32C covers
 *       every byte of the frame but itself; payloads at most 16 MiB (checked before allocating).</dd>
 *   <dt>File header ({@link io.bulwark.bft.durable.FileHeader})</dt>
 *   <dd>{@code magic (8: "BLWKJRNL" journal segment, "BLWKREDO" page-store redo log) | version (4) |
 *       first seq (8) | crc32c (4)}: 24 bytes at the start of every record file.</dd>
 *   <dt>Journal ({@link io.bulwark.bft.durable.Journal})</dt>
 *   <dd>Segment files {@code journal-<first seq, 20 digits>.log}: a header, then frames with
 *       consecutive seqs; a new segment is started once one reaches its size (64 MiB by default),
 *       after the old one is forced. Whole segments below a stable checkpoint are deleted. On open,
 *       the first frame that fails its check ends the log: with nothing valid after it, it is a torn
 *       tail (truncated, reported); with a valid frame after it anywhere, the log is damaged ({@link
 *       io.bulwark.bft.durable.JournalCorruptException}, to be repaired from the other replicas).
 *       Conservative by design: if the OS wrote back a later page of an unsynced batch before an
 *       earlier one and then lost power, the gap reads as damage (a repair, never a replay).</dd>
 *   <dt>Saved state ({@code state/PageStore}, in the data dir)</dt>
 *   <dd>{@code pages}, {@code tuples}, {@code header} as before, plus {@code redo} while a save is
 *       under way: a redo log of page records (type 1: page (4) | lm (8) | digest (32) | has bytes (1)
 *       | 4096 bytes) and one commit record (type 2: checkpoint (8) | page count (4) | root (32)).
 *       Pages are written in place only after the commit record is forced, so a save cut short at
 *       any byte leaves the previous checkpoint or the new one.</dd>
 *   <dt>Data-dir identity ({@link io.bulwark.bft.durable.DataDirIdentity}), {@code identity}</dt>
 *   <dd>Five text lines: {@code bulwark-data-dir 1}, {@code cluster <SHA-256 of f, n and each
 *       replica's id and public keys, hex>}, {@code f <f>}, {@code replica <id>}, {@code check <crc32c
 *       of the lines above, hex>}; written atomically at first start, checked at every start.</dd>
 *   <dt>Locks ({@link io.bulwark.bft.durable.ProcessLock})</dt>
 *   <dd>{@code lock} in a data dir, {@code replica-N.lock} / {@code client-N.lock} beside a
 *       principal's key file: an OS file lock held while the process runs; the file holds the
 *       holder's pid, named in the error a second process gets.</dd>
 * </dl>
 * Small files are replaced with {@link io.bulwark.bft.durable.AtomicFile} (temporary file, fsync,
 * atomic rename, directory fsync).
 */
package io.bulwark.bft.durable;
