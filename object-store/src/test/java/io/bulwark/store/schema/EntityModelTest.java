package io.bulwark.store.schema;

import io.bulwark.store.annotation.Entity;
import io.bulwark.store.annotation.GeneratedValue;
import io.bulwark.store.annotation.Id;
import io.bulwark.store.annotation.Indexed;
import io.bulwark.store.annotation.Transient;
import io.bulwark.store.annotation.Version;
import jakarta.data.spi.EntityDefining;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.*;

class EntityModelTest {

    static class Base {
        @Indexed String region;
    }

    @Entity(name = "Acct")
    static class Account extends Base {
        @Id @GeneratedValue long id;
        @Version int version;
        @Indexed(unique = true) String email;
        long balance;
        List<String> tags;
        @Transient String cache;
        transient int scratch;
        static int COUNTER;

        Account() {}
    }

    @Test
    void reflectsIdVersionFieldsAndIndexes() {
        EntityModel m = EntityModel.of(Account.class);
        assertEquals("Acct", m.name());
        assertEquals("id", m.idField().getName());
        assertEquals(long.class, m.idType());
        assertTrue(m.generatedId());
        assertTrue(m.hasVersion());
        assertEquals(List.of("balance", "email", "id", "region", "tags", "version"),
                m.persistentFields().stream().map(Field::getName).toList());
        assertEquals(List.of("email", "region"), m.indexes().stream().map(EntityModel.IndexModel::name).toList());
        assertTrue(m.index("email").orElseThrow().unique());
        assertFalse(m.index("region").orElseThrow().unique());

        EntitySchema s = m.schema();
        assertEquals(new EntitySchema.Field("tags", "java.util.List<java.lang.String>"), s.field("tags").orElseThrow());
        assertEquals("version", s.versionField());
        assertTrue(s.field("cache").isEmpty());
        assertTrue(s.field("scratch").isEmpty());
    }

    @Test
    void entityAnnotationIsEntityDefining() {
        assertTrue(Entity.class.isAnnotationPresent(EntityDefining.class));
    }

    @Test
    void accessorsReadAndWriteFields() {
        EntityModel m = EntityModel.of(Account.class);
        Account a = (Account) m.newInstance();
        assertTrue(m.idUnset(a));
        m.setId(a, 7L);
        m.setVersion(a, 3);
        assertEquals(7L, m.id(a));
        assertEquals(3L, m.version(a));
        assertFalse(m.idUnset(a));
        assertThrows(ArithmeticException.class, () -> m.setVersion(a, 1L << 40));
    }

    @Entity static class NoId { long x; }
    @Entity static class TwoIds { @Id long a; @Id long b; }
    @Entity static class BadIdType { @Id double id; }
    @Entity static class GeneratedString { @Id @GeneratedValue String id; }
    @Entity static class GeneratedNotId { @Id long id; @GeneratedValue long other; }
    @Entity static class BadVersion { @Id long id; @Version String v; }
    @Entity static class TwoVersions { @Id long id; @Version long v; @Version long w; }
    @Entity static class IndexedBlob { @Id long id; @Indexed byte[] blob; }
    @Entity static class IndexedId { @Id @Indexed long id; }
    @Entity static class TransientId { @Id @Transient long id; }
    @Entity static class FinalField { @Id long id; final int x = 1; }
    @Entity static class NoCtor { @Id long id; NoCtor(long id) { this.id = id; } }
    @Entity record Rec(@Id long id) {}
    static class NotAnnotated { @Id long id; }
    @Entity abstract static class Abstract { @Id long id; }
    @Entity(name = "bad name!") static class BadName { @Id long id; }
    static class Parent { long dup; }
    @Entity static class Hides extends Parent { @Id long id; long dup; }
    @Entity class Inner { @Id long id; }
    @Entity static class JpaTransient { @Id long id; @jakarta.persistence.Transient String note; }
    /** Both rules skip it (the modifier for the store, the annotation for the codec): accepted. */
    @Entity static class JpaTransientModifier { @Id long id; @jakarta.persistence.Transient transient String note; }

    @Test
    void malformedClassesAreRejectedNamingClassAndField() {
        expect(NoId.class, null, "no @Id");
        expect(TwoIds.class, "b", "second @Id");
        expect(BadIdType.class, "id", "ids are long");
        expect(GeneratedString.class, "id", "@GeneratedValue but not long");
        expect(GeneratedNotId.class, "other", "not the @Id");
        expect(BadVersion.class, "v", "versions are long");
        expect(TwoVersions.class, "w", "second @Version");
        expect(IndexedBlob.class, "blob", "no key encoding");
        expect(IndexedId.class, "id", "always indexed");
        expect(TransientId.class, "id", "transient");
        expect(FinalField.class, "x", "final");
        expect(NoCtor.class, null, "no-argument constructor");
        expect(Rec.class, null, "concrete class");
        expect(NotAnnotated.class, null, "@Entity");
        expect(Abstract.class, null, "concrete class");
        expect(BadName.class, null, "entity name");
        expect(Hides.class, "dup", "declared twice");
        expect(Inner.class, null, "static nested");
        expect(JpaTransient.class, "note", "@jakarta.persistence.Transient, which the store does not read");
        assertEquals(List.of("id"), EntityModel.of(JpaTransientModifier.class).persistentFields().stream().map(Field::getName).toList());
    }

    private static void expect(Class<?> type, String field, String fragment) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> EntityModel.of(type));
        assertTrue(e.getMessage().contains(type.getName()), e.getMessage());
        if (field != null) assertTrue(e.getMessage().contains("field '" + field + "'"), e.getMessage());
        assertTrue(e.getMessage().contains(fragment), e.getMessage());
    }

    @Entity static class Uuid { @Id UUID id; }

    @Test
    void uuidAndStringIdsAreAssigned() {
        EntityModel m = EntityModel.of(Uuid.class);
        assertEquals("Uuid", m.name());
        assertFalse(m.generatedId());
        assertFalse(m.hasVersion());
        assertNull(m.schema().versionField());
    }
}
