package io.bulwark.store.codec;

import io.bulwark.store.codec.Fixtures.Line;
import io.bulwark.store.codec.Fixtures.Money;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Unregistered classes, cycles, depth and size limits, and classes that cannot be registered. */
class LimitsAndErrorsTest {
    record Unregistered(int x) {
    }

    record Holder(Object value) {
    }

    static final class Node {
        Object child;
    }

    static final class NoDefaultConstructor {
        int x;

        NoDefaultConstructor(int x) {
            this.x = x;
        }
    }

    static final class LinkedListField {
        LinkedList<String> names;
    }

    record OptionalComponent(Optional<String> name) {
    }

    abstract static class Abstract {
    }

    private final DeterministicCodec codec = Fixtures.codec();

    @Test
    void unregisteredClassesAreNamed() {
        CodecException e = assertThrows(CodecException.class, () -> codec.encode(new Unregistered(1)));
        assertTrue(e.getMessage().contains(Unregistered.class.getName()), e.getMessage());
        CodecException nested = assertThrows(CodecException.class,
                () -> codec.encode(List.of(new Line("x", 1, null, null), new Unregistered(2))));
        assertTrue(nested.getMessage().contains(Unregistered.class.getName()), nested.getMessage());
        assertThrows(CodecException.class, () -> codec.encode(new Object()));
        assertThrows(CodecException.class, () -> codec.encode(Optional.of(1)));
        assertThrows(CodecException.class, () -> codec.encode(Map.of(1, 2).values()), "a HashMap's values view has no defined order");
    }

    @Test
    void isRegisteredKnowsBuiltInsRegistrationsAndJdkCollections() {
        assertTrue(codec.isRegistered(String.class));
        assertTrue(codec.isRegistered(int.class));
        assertTrue(codec.isRegistered(Money.class));
        assertTrue(codec.isRegistered(List.of(1, 2, 3).getClass()));
        assertTrue(codec.isRegistered(Money[].class));
        assertFalse(codec.isRegistered(Unregistered.class));
        assertFalse(codec.isRegistered(Object.class));
    }

    @Test
    void tooDeepFailsCleanly() {
        DeterministicCodec shallow = DeterministicCodec.builder().maxDepth(5).build();
        Object nested = List.of(List.of(List.of(List.of("four deep"))));
        assertEquals(nested, shallow.decode(shallow.encode(nested), Object.class));
        Object tooDeep = List.of(nested);
        CodecException e = assertThrows(CodecException.class, () -> shallow.encode(tooDeep));
        assertTrue(e.getMessage().contains("deeper than the limit of 5"), e.getMessage());
        byte[] deepBytes = codec.encode(tooDeep);
        assertThrows(CodecException.class, () -> shallow.decode(deepBytes, Object.class));

        Object veryDeep = "leaf";
        for (int i = 0; i < 10_000; i++) {
            veryDeep = List.of(veryDeep);
        }
        Object finalVeryDeep = veryDeep;
        assertThrows(CodecException.class, () -> codec.encode(finalVeryDeep));
        byte[] hostile = CanonicalOrderTest.bytes("1401".repeat(100_000) + "00");
        assertThrows(CodecException.class, () -> codec.decode(hostile, Object.class));
    }

    @Test
    void cyclesAreReportedAsSuch() {
        DeterministicCodec nodes = DeterministicCodec.builder().register(Node.class).build();
        Node node = new Node();
        List<Object> list = new ArrayList<>();
        list.add(node);
        node.child = list;
        CodecException e = assertThrows(CodecException.class, () -> nodes.encode(node));
        assertTrue(e.getMessage().contains("cycle"), e.getMessage());
        List<Object> self = new ArrayList<>();
        self.add(self);
        assertThrows(CodecException.class, () -> codec.encode(self));
    }

    @Test
    void sharedButAcyclicValuesAreFine() {
        Money shared = new Money(BigDecimal.TEN, "EUR");
        List<Money> twice = List.of(shared, shared);
        assertEquals(twice, codec.decode(codec.encode(twice), List.class));
    }

    @Test
    void sizeLimitsBothWays() {
        DeterministicCodec small = DeterministicCodec.builder().maxBytes(100).build();
        assertEquals("x".repeat(90), small.decode(small.encode("x".repeat(90)), String.class));
        CodecException e = assertThrows(CodecException.class, () -> small.encode("x".repeat(200)));
        assertTrue(e.getMessage().contains("100 bytes"), e.getMessage());
        byte[] big = codec.encode("x".repeat(200));
        assertThrows(CodecException.class, () -> small.decode(big, String.class));
    }

    @Test
    void stringsWithoutUtf8FormAreRefused() {
        assertThrows(CodecException.class, () -> codec.encode("broken \uD800 surrogate"));
    }

    @Test
    void classesThatCannotBeRegisteredFailTheBuild() {
        for (Class<?> type : List.of(NoDefaultConstructor.class, LinkedListField.class, OptionalComponent.class,
                Abstract.class, Runnable.class, Optional.class)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> DeterministicCodec.builder().register(type).build(), type.getName());
            assertTrue(e.getMessage().contains(type.getName()) || e.getMessage().contains(type.getSimpleName()), e.getMessage());
        }
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> DeterministicCodec.builder().register(Line.class).build());
        assertTrue(missing.getMessage().contains("Line.price"), missing.getMessage());
        assertThrows(IllegalArgumentException.class, () -> DeterministicCodec.builder().maxDepth(0));
        assertThrows(IllegalArgumentException.class, () -> DeterministicCodec.builder().maxBytes(0));
    }

    @Test
    void idCollisionsFailTheBuildNamingBothClasses() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> TypeTable.build(List.of(Money.class, Holder.class), type -> TypeIds.USER_BASE + 7));
        assertTrue(e.getMessage().contains(Money.class.getName()) && e.getMessage().contains(Holder.class.getName()),
                e.getMessage());
    }

    @Test
    void registeringBuiltInsOrTwiceIsHarmless() {
        DeterministicCodec twice = DeterministicCodec.builder().register(Money.class, String.class, Money.class,
                java.util.HashMap.class).build();
        Money m = new Money(BigDecimal.ONE, "EUR");
        assertEquals(m, twice.decode(twice.encode(m), Money.class));
    }
}
