package io.bulwark.store.schema;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

class SchemaTest {
    private static EntitySchema account(List<EntitySchema.Field> fields, List<EntitySchema.Index> indexes, String version) {
        return new EntitySchema("Account", "id", true, version, fields, indexes);
    }

    private static final List<EntitySchema.Field> FIELDS = List.of(
            new EntitySchema.Field("balance", "long"), new EntitySchema.Field("email", "java.lang.String"),
            new EntitySchema.Field("id", "long"), new EntitySchema.Field("version", "int"));
    private static final EntitySchema ACCOUNT = account(FIELDS, List.of(new EntitySchema.Index("email", true)), "version");
    private static final EntitySchema NOTE = new EntitySchema("Note", "key", false, null,
            List.of(new EntitySchema.Field("key", "java.lang.String"), new EntitySchema.Field("text", "java.lang.String")), List.of());

    @Test
    void encodingRoundTripsAndIsCanonical() {
        Schema s = new Schema(List.of(NOTE, ACCOUNT));
        byte[] b = s.encode();
        Schema back = Schema.decode(b);
        assertEquals(s, back);
        assertArrayEquals(b, back.encode());
        assertArrayEquals(b, new Schema(List.of(ACCOUNT, NOTE)).encode(), "input order does not matter");
        assertEquals(List.of("Account", "Note"), List.copyOf(back.entities().keySet()));
        assertNull(back.entity("Note").orElseThrow().versionField());
    }

    @Test
    void decodingFailsClosed() {
        byte[] good = new Schema(List.of(ACCOUNT, NOTE)).encode();
        // Every truncation is rejected.
        for (int n = 0; n < good.length; n++) {
            byte[] cut = Arrays.copyOf(good, n);
            assertThrows(IllegalArgumentException.class, () -> Schema.decode(cut), "truncated to " + n);
        }
        byte[] trailing = Arrays.copyOf(good, good.length + 1);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Schema.decode(trailing)).getMessage().contains("trailing"));
        byte[] magic = good.clone();
        magic[0] = 'X';
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Schema.decode(magic)).getMessage().contains("magic"));
        assertThrows(IllegalArgumentException.class, () -> Schema.decode(null));
        // Random corruption never escapes as anything but IllegalArgumentException (or decodes to a valid schema).
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 2000; i++) {
            byte[] bad = good.clone();
            int flips = 1 + r.nextInt(3);
            for (int k = 0; k < flips; k++) bad[r.nextInt(bad.length)] = (byte) r.nextInt(256);
            try {
                Schema s = Schema.decode(bad);
                assertArrayEquals(bad, s.encode(), "anything accepted is in canonical form");
            } catch (IllegalArgumentException expected) {
                assertTrue(expected.getMessage().startsWith("stored schema"), expected.getMessage());
            }
        }
    }

    @Test
    void unsortedEntitiesInTheBytesAreRejected() {
        byte[] a = new Schema(List.of(ACCOUNT)).encode();
        byte[] n = new Schema(List.of(NOTE)).encode();
        int header = 4 + 1 + 2;
        byte[] swapped = new byte[header + (n.length - header) + (a.length - header)];
        System.arraycopy(a, 0, swapped, 0, header);
        swapped[header - 1] = 2;
        System.arraycopy(n, header, swapped, header, n.length - header);
        System.arraycopy(a, header, swapped, n.length, a.length - header);
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Schema.decode(swapped)).getMessage().contains("not sorted"));
    }

    @Test
    void newEntitiesMergeAndStoredOnesAreKept() {
        Schema stored = new Schema(List.of(ACCOUNT));
        Schema merged = Schema.merge(stored, new Schema(List.of(ACCOUNT, NOTE)));
        assertEquals(new Schema(List.of(ACCOUNT, NOTE)), merged);
        // A stored entity without a class stays in the schema.
        assertEquals(merged, Schema.merge(merged, new Schema(List.of(NOTE))));
    }

    @Test
    void everyShapeChangeOfAStoredEntityIsAConflictNamingEntityAndField() {
        Schema stored = new Schema(List.of(ACCOUNT, NOTE));
        List<EntitySchema.Field> retyped = List.of(new EntitySchema.Field("balance", "java.math.BigDecimal"),
                FIELDS.get(1), FIELDS.get(2), FIELDS.get(3));
        conflict(stored, account(retyped, ACCOUNT.indexes(), "version"), "balance", "java.math.BigDecimal");
        conflict(stored, account(FIELDS.subList(1, 4), ACCOUNT.indexes(), "version"), "balance", "missing");
        List<EntitySchema.Field> added = new java.util.ArrayList<>(FIELDS);
        added.add(new EntitySchema.Field("zip", "int"));
        conflict(stored, account(added, ACCOUNT.indexes(), "version"), "zip", "adds field");
        conflict(stored, account(FIELDS, List.of(), "version"), "email", "not in the class");
        conflict(stored, account(FIELDS, List.of(new EntitySchema.Index("email", false)), "version"), "email", "non-unique");
        conflict(stored, account(FIELDS, List.of(new EntitySchema.Index("balance", false), new EntitySchema.Index("email", true)), "version"),
                "balance", "does not index");
        conflict(stored, account(FIELDS, ACCOUNT.indexes(), null), "version", "version field");
        conflict(stored, new EntitySchema("Account", "id", false, "version", FIELDS, ACCOUNT.indexes()), "id", "assigned");
        conflict(stored, new EntitySchema("Account", "balance", true, "version", FIELDS, ACCOUNT.indexes()), "balance", "id is stored");
    }

    private static void conflict(Schema stored, EntitySchema changed, String field, String fragment) {
        SchemaConflictException e = assertThrows(SchemaConflictException.class, () -> Schema.merge(stored, new Schema(List.of(changed))));
        assertEquals("Account", e.entity());
        assertEquals(field, e.field());
        assertTrue(e.getMessage().contains("Account") && e.getMessage().contains(field) && e.getMessage().contains(fragment), e.getMessage());
    }

    @Test
    void malformedEntitySchemasAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> new EntitySchema("A", "id", false, null,
                List.of(new EntitySchema.Field("x", "int"), new EntitySchema.Field("id", "long")), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new EntitySchema("A", "nope", false, null,
                List.of(new EntitySchema.Field("id", "long")), List.of()));
        assertThrows(IllegalArgumentException.class, () -> new EntitySchema("A", "id", false, null,
                List.of(new EntitySchema.Field("id", "long")), List.of(new EntitySchema.Index("id", true))));
        assertThrows(IllegalArgumentException.class, () -> new Schema(List.of(NOTE, NOTE)));
    }
}
