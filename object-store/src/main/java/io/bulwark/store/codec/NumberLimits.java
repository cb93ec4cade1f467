package io.bulwark.store.codec;

/**
 * Bounds on arbitrary-precision numbers, checked when encoding and when decoding. Without them a few
 * bytes stand for a number whose arithmetic takes seconds and megabytes (1E+30000000 is 25 bytes on
 * the wire), or exhausts the heap of every replica that decodes it.
 *
 * @param maxScale          the largest |scale| of a BigDecimal
 * @param maxPrecision      the most decimal digits of a BigDecimal's unscaled value
 * @param maxBigIntegerBits the largest {@link java.math.BigInteger#bitLength()} of a BigInteger
 */
record NumberLimits(int maxScale, int maxPrecision, int maxBigIntegerBits) {
    static final NumberLimits DEFAULTS = new NumberLimits(4096, 4096, 16384);
    /** log2(10): bits per decimal digit. */
    private static final double BITS_PER_DIGIT = 3.321928094887362;

    NumberLimits {
        if (maxScale < 0) throw new IllegalArgumentException("the largest BigDecimal scale must not be negative: " + maxScale);
        if (maxPrecision < 1) throw new IllegalArgumentException("the BigDecimal precision limit must be positive: " + maxPrecision);
        if (maxBigIntegerBits < 1) throw new IllegalArgumentException("the BigInteger bit limit must be positive: " + maxBigIntegerBits);
    }

    /** A bit length no unscaled value of at most {@link #maxPrecision} digits exceeds: a cheap first check. */
    int maxUnscaledBits() {
        return (int) Math.min(Integer.MAX_VALUE, (long) Math.ceil(maxPrecision * BITS_PER_DIGIT) + 1);
    }
}
