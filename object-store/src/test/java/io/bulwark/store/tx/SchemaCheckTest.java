package io.bulwark.store.tx;

import io.bulwark.store.Caller;
import io.bulwark.store.annotation.Entity;
import io.bulwark.store.annotation.Id;
import io.bulwark.store.codec.DeterministicCodec;
import io.bulwark.store.schema.Schema;
import io.bulwark.store.schema.SchemaConflictException;
import io.bulwark.store.storage.Storage;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.*;

/** The schema stored with the state, checked against two differently shaped classes with one entity name. */
class SchemaCheckTest {
    @Entity(name = "Widget")
    static class WidgetV1 {
        @Id long id;
        String label;
    }

    @Entity(name = "Widget")
    static class WidgetV2 {
        @Id long id;
        String label;
        int size;
    }

    @Entity(name = "Gadget")
    static class Gadget {
        @Id long id;
    }

    @Entity(name = "Gadget")
    static class GadgetWithName {
        @Id long id;
        String name;
    }

    record Point(int x, int y) {}

    @Entity
    static class Shape {
        @Id long id;
        Point origin;
    }

    static final DeterministicCodec CODEC = DeterministicCodec.builder().build();
    static final Caller SYSTEM = new Caller(0, "system", Set.of());

    private final MemoryPages base = new MemoryPages(256);

    private static EntityStore store(Class<?>... classes) { return new EntityStore(CODEC, List.of(classes)); }

    private void write(EntityStore store, Consumer<TxContext> body) {
        TxContext tx = store.begin(base, SYSTEM, 0, 0, false);
        body.accept(tx);
        tx.commit();
    }

    @Test
    void aBlankStatePassesAndTheFirstWriteStoresTheSchema() {
        EntityStore v1 = store(WidgetV1.class);
        store(WidgetV2.class).checkSchema(base);
        v1.checkSchema(base);
        assertEquals(0, base.writeCount(), "checking writes nothing");
        WidgetV1 w = new WidgetV1();
        w.id = 1;
        write(v1, tx -> tx.persist(w));
        assertEquals(v1.schema(), Schema.decode(Storage.open(base).meta(EntityStore.SCHEMA_META)));
        v1.checkSchema(base);
    }

    @Test
    void aStoredEntityWithAnotherShapeIsRejectedNamingEntityAndField() {
        EntityStore v1 = store(WidgetV1.class);
        WidgetV1 w = new WidgetV1();
        w.id = 1;
        write(v1, tx -> tx.persist(w));
        int writes = base.writeCount();

        SchemaConflictException e = assertThrows(SchemaConflictException.class, () -> store(WidgetV2.class).checkSchema(base));
        assertEquals("Widget", e.entity());
        assertEquals("size", e.field());
        assertTrue(e.getMessage().contains("Widget") && e.getMessage().contains("size"), e.getMessage());
        assertEquals(writes, base.writeCount());

        // A writing transaction of the conflicting store fails too, leaving no trace.
        byte[][] before = base.snapshot();
        EntityStore v2 = store(WidgetV2.class);
        TxContext tx = v2.begin(base, SYSTEM, 0, 0, false);
        WidgetV2 w2 = new WidgetV2();
        w2.id = 2;
        tx.persist(w2);
        assertThrows(SchemaConflictException.class, tx::commit);
        assertTrue(base.sameAs(before));
    }

    @Test
    void newEntitiesAreAddedAndStoredOnesWithoutAClassAreKept() {
        WidgetV1 w = new WidgetV1();
        w.id = 1;
        write(store(WidgetV1.class), tx -> tx.persist(w));
        EntityStore both = store(WidgetV1.class, Gadget.class);
        both.checkSchema(base);
        write(both, tx -> tx.persist(new Gadget()));
        Schema stored = Schema.decode(Storage.open(base).meta(EntityStore.SCHEMA_META));
        assertEquals(List.of("Gadget", "Widget"), List.copyOf(stored.entities().keySet()));
        // Widget alone still fits; Gadget cannot come back with another shape.
        store(WidgetV1.class).checkSchema(base);
        SchemaConflictException e = assertThrows(SchemaConflictException.class, () -> store(WidgetV1.class, GadgetWithName.class).checkSchema(base));
        assertEquals("Gadget", e.entity());
        assertEquals("name", e.field());
    }

    @Test
    void aMissingOrUnreadableStoredSchemaIsAConflict() {
        Storage s = Storage.format(base);
        assertTrue(assertThrows(SchemaConflictException.class, () -> store(WidgetV1.class).checkSchema(base))
                .getMessage().contains("no schema"));
        s.putMeta(EntityStore.SCHEMA_META, new byte[] {1, 2, 3});
        assertTrue(assertThrows(SchemaConflictException.class, () -> store(WidgetV1.class).checkSchema(base))
                .getMessage().contains("unreadable"));
    }

    @Test
    void malformedStoreDefinitionsAreRejected() {
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> store(WidgetV1.class, WidgetV2.class));
        assertTrue(twice.getMessage().contains("both named Widget"), twice.getMessage());
        IllegalArgumentException unregistered = assertThrows(IllegalArgumentException.class, () -> store(Shape.class));
        assertTrue(unregistered.getMessage().contains("origin") && unregistered.getMessage().contains(Point.class.getName()),
                unregistered.getMessage());
        EntityStore ok = new EntityStore(DeterministicCodec.builder().register(Point.class).build(), List.of(Shape.class));
        Shape shape = new Shape();
        shape.id = 1;
        shape.origin = new Point(3, 4);
        write(ok, tx -> tx.persist(shape));
        TxContext tx = ok.begin(base, SYSTEM, 0, 0, true);
        assertEquals(new Point(3, 4), tx.get(Shape.class, 1L).origin);
        tx.commit();
    }
}
