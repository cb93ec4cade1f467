package io.bulwark.store.codec;

import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The depth limit, not the thread's stack, decides how deep a graph may be: how much stack a level
 * takes depends on the JIT's state, so a StackOverflowError would not be the same at every replica.
 * It must never become a CodecException (a normal, agreed reply); it propagates.
 */
class StackDepthTest {
    static final class Box {
        Object child;
    }

    record Rec(Object child) {
    }

    /**
     * The JVM's default thread stack on 64-bit Linux (-Xss1m); the replica's execution thread has 16
     * times that, fixed by the replica (ReplicaNode.EXECUTION_STACK_BYTES), whatever the host's default. A level costs up to about 1.5 KB of it (a plain object, interpreted, measured in a full
     * test run), so the limit uses well under half of it; 384 KB was seen to overflow.
     */
    private static final long SMALL_STACK = 1024 * 1024;
    private static final List<String> KINDS = List.of("list", "mapKey", "mapValue", "set", "array", "plain", "record");

    private final DeterministicCodec deepest = DeterministicCodec.builder().register(Box.class, Rec.class)
            .maxDepth(DeterministicCodec.MAX_DEPTH_LIMIT).build();

    static Object nest(String kind, int depth) {
        Object v = "leaf";
        for (int i = 1; i < depth; i++) {
            Object c = v;
            v = switch (kind) {
                case "list" -> List.of(c);
                case "mapKey" -> Map.of(c, 1);
                case "mapValue" -> Map.of(1, c);
                case "set" -> Set.of(c);
                case "array" -> new Object[]{c};
                case "plain" -> {
                    Box b = new Box();
                    b.child = c;
                    yield b;
                }
                case "record" -> new Rec(c);
                default -> throw new IllegalArgumentException(kind);
            };
        }
        return v;
    }

    /** Runs {@code body} on a fresh thread with {@code stack} bytes of stack; its result or what it threw. */
    static Object onThread(long stack, Supplier<Object> body) throws InterruptedException {
        AtomicReference<Object> out = new AtomicReference<>();
        Thread t = new Thread(null, () -> {
            try {
                out.set(body.get());
            } catch (Throwable e) {
                out.set(e);
            }
        }, "codec-stack", stack);
        t.start();
        t.join();
        return out.get();
    }

    @Test
    void theDepthLimitFiresLongBeforeTheStackRunsOut() throws Exception {
        for (String kind : KINDS) {
            Object atLimit = nest(kind, DeterministicCodec.MAX_DEPTH_LIMIT);
            Object encoded = onThread(SMALL_STACK, () -> deepest.encode(atLimit));
            byte[] bytes = assertInstanceOf(byte[].class, encoded, kind + " at the limit encodes on a default-sized stack");
            Object decoded = onThread(SMALL_STACK, () -> deepest.decode(bytes, Object.class));
            assertFalse(decoded instanceof Throwable, kind + " at the limit decodes on a default-sized stack: " + decoded);

            Object beyond = nest(kind, DeterministicCodec.MAX_DEPTH_LIMIT + 1);
            Object refused = onThread(SMALL_STACK, () -> deepest.encode(beyond));
            CodecException e = assertInstanceOf(CodecException.class, refused, kind);
            assertTrue(e.getMessage().contains("deeper than the limit"), e.getMessage());
        }
    }

    private Object burnThenEncode(int frames, Object value) {
        return frames == 0 ? deepest.encode(value) : burnThenEncode(frames - 1, value);
    }

    @Test
    void aStackOverflowInsideTheCodecPropagates() throws Exception {
        Object value = nest("list", DeterministicCodec.MAX_DEPTH_LIMIT);
        // Call the codec with less and less stack left until it fails: with a stack overflow, never a CodecException.
        Object outcome = null;
        for (int frames = 0; frames < 200_000 && !(outcome instanceof Throwable); frames += 25) {
            int f = frames;
            outcome = onThread(SMALL_STACK, () -> burnThenEncode(f, value));
        }
        assertInstanceOf(StackOverflowError.class, outcome);
    }
}
