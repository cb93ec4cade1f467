package io.bulwark.store.sim;

import io.bulwark.bft.sim.Workload;
import io.bulwark.store.Tx;
import io.bulwark.store.access.PermitAll;
import io.bulwark.store.codec.DeterministicCodec;
import io.bulwark.store.operation.Operation;
import io.bulwark.store.service.Reply;
import io.bulwark.store.service.RequestEnvelope;
import io.bulwark.store.service.bank.Account;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A faulty client of the store, for the simulator (issue 19): it sends the five poison requests of
 * the issue — a record whose constructor dereferences a null component, a backtracking pattern over a
 * long input, a huge range offset and an unbounded application loop (the work budget), a map key
 * without toString, a message only an English bundle has — and random hostile argument graphs (deep,
 * wide, null-laden, byte-flipped). Any well-formed reply is accepted: what matters is that every
 * correct replica sends the same one (the simulator compares checkpoint digests, which cover the
 * reply digests in the client table) and that the group stays live.
 */
public final class PoisonClients {
    private PoisonClients() {}

    public record Name(String value) {
        public Name {
            if (value.length() > 100) throw new IllegalArgumentException("a name has at most 100 characters");
        }
    }

    public static final class Key {
        public int k;
        public Key() {}
        Key(int k) { this.k = k; }
    }

    public static final class Val {
        @NotNull public String v;
        public Val() {}
    }

    public record Localized(@NotNull(message = "{poison.locale}") String text) {}

    public static final Class<?>[] VALUES = {Name.class, Key.class, Val.class, Localized.class};

    /** The operations the poison client calls. */
    @PermitAll
    public static final class Ops {
        @Operation public int name(Tx tx, Name n) { return 1; }

        @Operation public String slug(Tx tx, @Pattern(regexp = "([a-z]|-)*") String s) { return "ok"; }

        @Operation public int skip(Tx tx, long offset) { return tx.range(Account.class, "number", null, null, false, offset, 1).size(); }

        @Operation public long spin(Tx tx, long n) {
            long x = 0;
            for (long i = 0; i < n; i++) {
                tx.charge(1);
                x += i;
            }
            return x;
        }

        @Operation public int check(Tx tx, @Valid Map<Key, Val> m) { return m.size(); }

        @Operation public int localized(Tx tx, @Valid Localized l) { return 1; }

        @Operation public int graph(Tx tx, @Valid List<Object> items) { return items.size(); }
    }

    /** A script of poison requests; {@code hostile} encodes graphs deeper than the replicas' codec accepts. */
    public static Workload.ClientScript script(DeterministicCodec codec, DeterministicCodec hostile, SplittableRandom random) {
        return new Workload.ClientScript() {
            int sent;

            @Override public Workload.Operation next() {
                int kind = sent++ % 9;
                return new Workload.Operation(switch (kind) {
                    case 0 -> envelope("name", withComponent(codec, random.nextBoolean() ? null : "x".repeat(101)));
                    case 1 -> envelope("slug", codec.encode("a".repeat(1_600 + random.nextInt(2_000)) + (random.nextBoolean() ? "" : "!")));
                    case 2 -> envelope("skip", codec.encode(1_000_000_000L + random.nextInt(1000)));
                    case 3 -> envelope("spin", codec.encode(Long.MAX_VALUE));
                    case 4 -> envelope("check", codec.encode(keyedMap(random)));
                    case 5 -> envelope("localized", codec.encode(new Localized(null)));
                    default -> envelope("graph", flip(hostile.encode(graph(random, 0)), random));
                }, false);
            }

            @Override public String completed(byte[] result) {
                try {
                    Reply.decode(result);
                    return null;
                } catch (RuntimeException e) {
                    return "poison: undecodable reply: " + e.getMessage();
                }
            }
        };
    }

    /** The request, its argument cut (truncated input is one more poison) to fit the simulator's 4 KB operation limit. */
    private static byte[] envelope(String op, byte[] arg) {
        return new RequestEnvelope(op, List.of(arg.length > 3_900 ? java.util.Arrays.copyOf(arg, 3_900) : arg)).encode();
    }

    /** A Name whose component no client could construct: the record's bytes with the component's replaced. */
    private static byte[] withComponent(DeterministicCodec codec, String component) {
        byte[] named = codec.encode(new Name("x")), x = codec.encode("x"), c = codec.encode(component);
        byte[] out = java.util.Arrays.copyOf(named, named.length - x.length + c.length);
        System.arraycopy(c, 0, out, named.length - x.length, c.length);
        return out;
    }

    private static Map<Key, Val> keyedMap(SplittableRandom random) {
        Map<Key, Val> m = new LinkedHashMap<>();
        for (int i = 0, n = 1 + random.nextInt(3); i < n; i++) {
            Val v = new Val();
            v.v = random.nextBoolean() ? null : "v";
            m.put(new Key(i * 10 + random.nextInt(10)), v);   // distinct encodings: the codec refuses equal keys
        }
        return m;
    }

    /** A random graph: sometimes deeper than the replicas' codec allows, wide, with nulls and map keys without toString. */
    private static List<Object> graph(SplittableRandom random, int depth) {
        List<Object> out = new ArrayList<>();
        int width = depth > 3 ? 1 : 1 + random.nextInt(4);
        for (int i = 0; i < width; i++) {
            switch (random.nextInt(depth < 100 && random.nextInt(3) == 0 ? 6 : 5)) {
                case 0 -> out.add(null);
                case 1 -> out.add("s".repeat(random.nextInt(50)));
                case 2 -> out.add(random.nextLong());
                case 3 -> out.add(keyedMap(random));
                case 4 -> out.add(new Localized(random.nextBoolean() ? null : "t"));
                default -> out.add(graph(random, depth + 1));
            }
        }
        return out;
    }

    /** Now and then one flipped byte: malformed, truncated or non-canonical input. */
    private static byte[] flip(byte[] b, SplittableRandom random) {
        if (b.length > 0 && random.nextInt(3) == 0) b[random.nextInt(b.length)] ^= (byte) (1 + random.nextInt(255));
        return b;
    }
}
