package io.bulwark.store.codec;

import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Run in a separate JVM by {@link CrossJvmTest}: prints the hex encodings of the sample graphs, with
 * the registration order ("forward" or "reverse") and the insertion-order seed given as arguments.
 */
public final class CodecProbe {
    private CodecProbe() {
    }

    public static void main(String[] args) {
        DeterministicCodec codec = args[0].equals("reverse") ? Fixtures.codecRegisteredReversed() : Fixtures.codec();
        System.out.println(String.join("\n", encodings(codec, Long.parseLong(args[1]))));
    }

    static List<String> encodings(DeterministicCodec codec, long seed) {
        return List.of(
                Fixtures.hex(codec.encode(Fixtures.customer(seed))),
                Fixtures.hex(codec.encode(Set.of(Fixtures.Status.values()))),
                Fixtures.hex(codec.encode(Map.of("k1", 1, "k2", 2, "k3", 3, "k4", 4, "k5", 5))),
                Fixtures.hex(codec.encode(Set.of(new Fixtures.Circle(1), new Fixtures.Square(1), new Fixtures.Circle(2)))));
    }
}
