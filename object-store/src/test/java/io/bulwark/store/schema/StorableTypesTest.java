package io.bulwark.store.schema;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.store.StoreDefinition;
import io.bulwark.store.annotation.Entity;
import io.bulwark.store.annotation.Id;
import io.bulwark.store.annotation.Transient;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** StoreDefinition.build() refuses, with what to use instead, every entity field type the codec can never store. */
class StorableTypesTest {
    @Entity public static class WithDate { @Id public long id; public java.util.Date when; }
    @Entity public static class WithAtomic { @Id public long id; public AtomicLong hits; }
    @Entity public static class WithObject { @Id public long id; public Object anything; }
    @Entity public static class WithDateList { @Id public long id; public List<java.util.Date> dates; }
    @Entity public static class WithOptional { @Id public long id; public java.util.Optional<String> maybe; }
    public static class Address { public String street; }
    @Entity public static class WithUnregistered { @Id public long id; public Address address; }
    public interface Shape {}
    @Entity public static class WithAbstract { @Id public long id; public Shape shape; }
    public record Circle(long r) implements Shape {}
    @Entity public static class Fine {
        @Id public long id;
        public UUID key;
        public Instant at;
        public List<String> tags;
        public Map<String, Long> counts;
        public Shape shape;
        public Address address;
        public long[] samples;
        @Transient public java.util.Date cached;
        public transient Object scratch;
    }

    private static String refusal(Class<?>... entities) {
        return assertThrows(IllegalArgumentException.class, () -> StoreDefinition.builder().entities(entities).build()).getMessage();
    }

    @Test
    void jdkTypesTheCodecLacksAreRefusedWithAFix() {
        String date = refusal(WithDate.class);
        assertTrue(date.contains("WithDate.when has type java.util.Date") && date.contains("use java.time.Instant"), date);
        String atomic = refusal(WithAtomic.class);
        assertTrue(atomic.contains("java.util.concurrent.atomic.AtomicLong") && atomic.contains("plain long"), atomic);
        String object = refusal(WithObject.class);
        assertTrue(object.contains("java.lang.Object") && object.contains("declare the concrete type"), object);
        String inList = refusal(WithDateList.class);
        assertTrue(inList.contains("dates<element> has type java.util.Date"), inList);
        String optional = refusal(WithOptional.class);
        assertTrue(optional.contains("java.util.Optional") && optional.contains("neither built in nor registered"), optional);   // the codec's own check
    }

    @Test
    void applicationTypesMustBeRegistered() {
        String unregistered = refusal(WithUnregistered.class);
        assertTrue(unregistered.contains("Address is not registered"), unregistered);   // the entity model's own check
        String abstractType = refusal(WithAbstract.class);
        assertTrue(abstractType.contains("no class registered with the store implements it"), abstractType);
        assertDoesNotThrow(() -> StoreDefinition.builder().entities(WithAbstract.class).values(Circle.class).build());
    }

    @Test
    void whatTheCodecStoresIsAccepted() {
        assertDoesNotThrow(() -> StoreDefinition.builder().entities(Fine.class).values(Address.class, Circle.class).build());
    }
}
