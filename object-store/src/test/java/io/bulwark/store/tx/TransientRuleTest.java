package io.bulwark.store.tx;

import io.bulwark.store.Caller;
import io.bulwark.store.annotation.Entity;
import io.bulwark.store.annotation.Id;
import io.bulwark.store.annotation.Transient;
import io.bulwark.store.codec.DeterministicCodec;
import io.bulwark.store.schema.EntityModel;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Objects;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One rule for which fields of an entity persist: the store's (EntityModel) and the codec's, which
 * carries entities between clients and replicas, must agree, or a merged copy loses state.
 */
class TransientRuleTest {
    @Entity(name = "Note")
    public static class Note {
        @Id long id;
        String text;
        @Transient String cache = "cache0";
        transient String scratch = "scratch0";
        @jakarta.persistence.Transient transient String both = "both0";

        public Note() {}
    }

    @Entity(name = "JpaNote")
    public static class JpaNote {
        @Id long id;
        @jakarta.persistence.Transient String lost;

        public JpaNote() {}
    }

    private final DeterministicCodec codec = DeterministicCodec.builder().register(Note.class).build();

    @Test
    void theCodecCarriesExactlyTheFieldsTheStoreKeeps() throws IllegalAccessException {
        EntityModel model = EntityModel.of(Note.class);
        Note n = new Note();
        n.id = 3;
        n.text = "text1";
        n.cache = "cache1";
        n.scratch = "scratch1";
        n.both = "both1";
        Note copy = codec.decode(codec.encode(n), Note.class);
        int persistent = 0;
        for (Field f : Note.class.getDeclaredFields()) {
            if (Modifier.isStatic(f.getModifiers())) continue;
            boolean stored = model.persistentFields().contains(f);
            boolean carried = Objects.equals(f.get(copy), f.get(n));
            assertEquals(stored, carried, "field " + f.getName() + ": stored by the store " + stored + ", carried by the codec " + carried);
            if (stored) persistent++;
        }
        assertEquals(2, persistent);
    }

    @Test
    void aMergedCopyFromAClientKeepsEveryStoredField() {
        EntityStore store = new EntityStore(codec, List.of(Note.class));
        MemoryPages base = new MemoryPages(256);
        Caller caller = new Caller(1, "c", Set.of());
        Note n = new Note();
        n.id = 1;
        n.text = "first";
        TxContext tx = store.begin(base, caller, 1, 1, false);
        tx.persist(n);
        tx.commit();

        TxContext read = store.begin(base, caller, 2, 2, true);
        Note detached = codec.decode(codec.encode(read.get(Note.class, 1L)), Note.class);   // as a client receives and sends it
        read.rollback();
        detached.cache = "edited on the client";
        TxContext merge = store.begin(base, caller, 3, 3, false);
        merge.merge(detached);
        merge.commit();
        TxContext check = store.begin(base, caller, 4, 4, true);
        Note stored = check.get(Note.class, 1L);
        assertEquals("first", stored.text);
        assertEquals("cache0", stored.cache, "not stored, so a fresh instance's");
        check.rollback();
    }

    @Test
    void anEntityWithAForeignTransientAnnotationIsRefused() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new EntityStore(DeterministicCodec.builder().register(JpaNote.class).build(), List.of(JpaNote.class)));
        assertTrue(e.getMessage().contains(JpaNote.class.getName()) && e.getMessage().contains("field 'lost'"), e.getMessage());
        assertTrue(e.getMessage().contains(Transient.class.getName()), "says what to use instead: " + e.getMessage());
    }
}
