package io.bulwark.bft.durable;

import java.nio.file.Path;

/**
 * What opening a journal cut off: the bytes from {@code offset} of {@code file} on (and {@code
 * laterFiles} whole segment files after it), which held no valid record, only a write a crash cut
 * short. They are truncated, never replayed.
 */
public record TornTail(Path file, long offset, long bytes, int laterFiles, String reason) {
    public String describe() {
        return "torn tail truncated: " + bytes + " bytes of " + file + " from offset " + offset
                + (laterFiles > 0 ? " and " + laterFiles + " later segment file(s)" : "") + " (" + reason + ")";
    }
}
