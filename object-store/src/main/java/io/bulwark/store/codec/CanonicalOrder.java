package io.bulwark.store.codec;

import com.esotericsoftware.kryo.io.Input;

import java.util.Arrays;

/**
 * The canonical order of set elements and map keys: unsigned-lexicographic order of each one's own
 * encoding. It depends on nothing but the values, so no in-memory iteration order (HashMap, Set.of,
 * identity hash codes) can reach the bytes; on input it is enforced strictly, which also rejects
 * duplicates.
 */
final class CanonicalOrder {
    private CanonicalOrder() {
    }

    static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    /** Fails unless the encodings, already sorted, are all distinct. */
    static void requireDistinct(byte[][] sorted, String what) {
        for (int i = 1; i < sorted.length; i++) {
            if (Arrays.equals(sorted[i - 1], sorted[i])) {
                throw new CodecException(what + " holds two distinct entries with the same encoding");
            }
        }
    }

    /**
     * Tracks the previous item's span in the input and fails unless each item's encoding is strictly
     * greater than the one before.
     */
    static final class Checker {
        private final String what;
        private int previousStart = -1;
        private int previousEnd;

        Checker(String what) {
            this.what = what;
        }

        void next(Input in, int start, int end) {
            if (previousStart >= 0) {
                byte[] buffer = in.getBuffer();
                if (Arrays.compareUnsigned(buffer, previousStart, previousEnd, buffer, start, end) >= 0) {
                    throw new CodecException(what + " entries are duplicated or not in canonical order");
                }
            }
            previousStart = start;
            previousEnd = end;
        }
    }
}
