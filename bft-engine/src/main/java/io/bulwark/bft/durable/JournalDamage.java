package io.bulwark.bft.durable;

import java.nio.file.Path;

/**
 * What {@link Journal#quarantine} moved out of a damaged journal: the bytes of {@code file} from
 * {@code offset} on and {@code laterFiles} whole segment files after it, {@code bytes} in all, into
 * {@code aside} (kept for the operator, never replayed). Records from {@code firstLostSeq} on are gone.
 */
public record JournalDamage(Path file, long offset, long firstLostSeq, long bytes, int laterFiles, Path aside, String reason) {
    public String describe() {
        return "journal damaged in the middle (" + reason + "): records from seq " + firstLostSeq + " on (" + bytes + " bytes of " + file
                + " from offset " + offset + (laterFiles > 0 ? " and " + laterFiles + " later segment file(s)" : "") + ") moved to " + aside;
    }
}
