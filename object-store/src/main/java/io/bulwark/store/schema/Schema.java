package io.bulwark.store.schema;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The shapes of all entities, as stored in the replicated state when the store is first written and
 * checked against the entity classes at every start.
 * <p>
 * <b>What a conflict is, and why.</b> An entity's records are its persistent field values in field-name
 * order and its index entries are keys computed from the indexed fields; nothing in the state says how
 * to convert them from one shape to another. So an entity that is already stored must have
 * <em>exactly</em> the stored shape: the same persistent fields with the same declared types, the same
 * id field and whether it is generated, the same version field, and the same indexes with the same
 * uniqueness. Anything else — a field added, removed, renamed or retyped, an index added or dropped —
 * is a conflict, because old records would be read wrongly or indexes would miss entities. Entities
 * that are not stored yet may be added freely (they have no records), and a stored entity without a
 * class is kept in the schema, so it cannot come back later with another shape.
 * <p>
 * The binary form is this class's own, small and canonical (entities and fields sorted by name), and
 * decoding fails closed: any bad, truncated, unsorted or trailing byte is an
 * {@link IllegalArgumentException}.
 */
public final class Schema {
    /** Bounds of the decoder, so a corrupt blob cannot make it allocate without limit. */
    public static final int MAX_BYTES = 1 << 20;
    static final int MAX_ENTITIES = 4096;
    static final int MAX_FIELDS = 1024;
    static final int MAX_STRING_BYTES = 1024;

    private static final byte[] MAGIC = {'B', 'W', 'S', 'C'};
    private static final byte FORMAT = 1;

    private final Map<String, EntitySchema> entities;

    public Schema(Collection<EntitySchema> entities) {
        TreeMap<String, EntitySchema> m = new TreeMap<>();
        for (EntitySchema e : entities)
            if (m.put(e.name(), e) != null) throw new IllegalArgumentException("two entities named " + e.name());
        if (m.size() > MAX_ENTITIES) throw new IllegalArgumentException("more than " + MAX_ENTITIES + " entities");
        this.entities = java.util.Collections.unmodifiableSortedMap(m);
    }

    /** The entities by name, in name order. */
    public Map<String, EntitySchema> entities() { return entities; }

    public Optional<EntitySchema> entity(String name) { return Optional.ofNullable(entities.get(name)); }

    /**
     * The stored schema with the entities of {@code classes} added: every entity of {@code classes}
     * that {@code stored} already has must be equal to the stored one.
     *
     * @throws SchemaConflictException naming the first entity and field that differ
     */
    public static Schema merge(Schema stored, Schema classes) {
        List<EntitySchema> all = new ArrayList<>(stored.entities.values());
        for (EntitySchema now : classes.entities.values()) {
            EntitySchema before = stored.entities.get(now.name());
            if (before == null) all.add(now);
            else requireSame(before, now);
        }
        return new Schema(all);
    }

    private static void requireSame(EntitySchema stored, EntitySchema now) {
        String e = now.name();
        for (EntitySchema.Field f : stored.fields()) {
            Optional<EntitySchema.Field> g = now.field(f.name());
            if (g.isEmpty())
                throw conflict(e, f.name(), "the stored field '" + f.name() + "' (" + f.type() + ") is missing from the class");
            if (!g.get().type().equals(f.type()))
                throw conflict(e, f.name(), "field '" + f.name() + "' is stored as " + f.type() + " but the class declares " + g.get().type());
        }
        for (EntitySchema.Field g : now.fields())
            if (stored.field(g.name()).isEmpty())
                throw conflict(e, g.name(), "the class adds field '" + g.name() + "' (" + g.type() + ") that stored records do not have");
        if (!stored.idField().equals(now.idField()))
            throw conflict(e, now.idField(), "the id is stored as field '" + stored.idField() + "' but the class declares '" + now.idField() + "'");
        if (stored.generatedId() != now.generatedId())
            throw conflict(e, now.idField(), "the id is stored as " + (stored.generatedId() ? "generated" : "assigned")
                    + " but the class declares it " + (now.generatedId() ? "generated" : "assigned"));
        if (!Objects.equals(stored.versionField(), now.versionField()))
            throw conflict(e, now.versionField() != null ? now.versionField() : stored.versionField(),
                    "the version field is stored as " + describe(stored.versionField()) + " but the class declares " + describe(now.versionField()));
        for (EntitySchema.Index i : stored.indexes()) {
            Optional<EntitySchema.Index> j = now.index(i.field());
            if (j.isEmpty())
                throw conflict(e, i.field(), "field '" + i.field() + "' is indexed in the stored schema but not in the class");
            if (j.get().unique() != i.unique())
                throw conflict(e, i.field(), "the index on '" + i.field() + "' is stored as " + (i.unique() ? "unique" : "non-unique")
                        + " but the class declares it " + (j.get().unique() ? "unique" : "non-unique"));
        }
        for (EntitySchema.Index j : now.indexes())
            if (stored.index(j.field()).isEmpty())
                throw conflict(e, j.field(), "the class indexes field '" + j.field() + "', which the stored schema does not index");
    }

    private static String describe(String versionField) { return versionField == null ? "absent" : "'" + versionField + "'"; }

    private static SchemaConflictException conflict(String entity, String field, String what) {
        return new SchemaConflictException(entity, field, "schema conflict in entity " + entity + ": " + what);
    }

    public byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(MAGIC);
        out.write(FORMAT);
        writeCount(out, entities.size());
        for (EntitySchema e : entities.values()) {
            writeString(out, e.name());
            writeString(out, e.idField());
            out.write(e.generatedId() ? 1 : 0);
            writeString(out, e.versionField() == null ? "" : e.versionField());
            writeCount(out, e.fields().size());
            for (EntitySchema.Field f : e.fields()) {
                writeString(out, f.name());
                writeString(out, f.type());
            }
            writeCount(out, e.indexes().size());
            for (EntitySchema.Index i : e.indexes()) {
                writeString(out, i.field());
                out.write(i.unique() ? 1 : 0);
            }
        }
        return out.toByteArray();
    }

    /** Decodes {@link #encode}'s form, rejecting anything else with an IllegalArgumentException. */
    public static Schema decode(byte[] bytes) {
        if (bytes == null) throw new IllegalArgumentException("stored schema: no bytes");
        if (bytes.length > MAX_BYTES) throw new IllegalArgumentException("stored schema: " + bytes.length + " bytes, more than " + MAX_BYTES);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        try {
            byte[] magic = new byte[MAGIC.length];
            in.get(magic);
            if (!java.util.Arrays.equals(magic, MAGIC)) throw new IllegalArgumentException("stored schema: not a schema (bad magic)");
            int format = in.get();
            if (format != FORMAT) throw new IllegalArgumentException("stored schema: unknown format " + format);
            int n = readCount(in, MAX_ENTITIES, "entities");
            List<EntitySchema> es = new ArrayList<>(n);
            String previous = null;
            for (int k = 0; k < n; k++) {
                String name = readString(in);
                if (previous != null && previous.compareTo(name) >= 0)
                    throw new IllegalArgumentException("stored schema: entities not sorted at " + name);
                previous = name;
                String idField = readString(in);
                boolean generated = readBoolean(in);
                String version = readString(in);
                int nf = readCount(in, MAX_FIELDS, "fields");
                List<EntitySchema.Field> fields = new ArrayList<>(nf);
                for (int i = 0; i < nf; i++) fields.add(new EntitySchema.Field(readString(in), readString(in)));
                int ni = readCount(in, MAX_FIELDS, "indexes");
                List<EntitySchema.Index> indexes = new ArrayList<>(ni);
                for (int i = 0; i < ni; i++) indexes.add(new EntitySchema.Index(readString(in), readBoolean(in)));
                es.add(new EntitySchema(name, idField, generated, version.isEmpty() ? null : version, fields, indexes));
            }
            if (in.hasRemaining()) throw new IllegalArgumentException("stored schema: " + in.remaining() + " trailing bytes");
            return new Schema(es);
        } catch (java.nio.BufferUnderflowException e) {
            throw new IllegalArgumentException("stored schema: truncated");
        } catch (IllegalArgumentException e) {
            if (e.getMessage() != null && e.getMessage().startsWith("stored schema")) throw e;
            throw new IllegalArgumentException("stored schema: " + e.getMessage(), e);
        }
    }

    private static void writeCount(ByteArrayOutputStream out, int n) {
        out.write(n >>> 8);
        out.write(n);
    }

    private static void writeString(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        if (b.length > MAX_STRING_BYTES) throw new IllegalArgumentException("name longer than " + MAX_STRING_BYTES + " bytes: " + s);
        writeCount(out, b.length);
        out.writeBytes(b);
    }

    private static int readCount(ByteBuffer in, int max, String what) {
        int n = Short.toUnsignedInt(in.getShort());
        if (n > max) throw new IllegalArgumentException("stored schema: " + n + " " + what + ", more than " + max);
        return n;
    }

    private static boolean readBoolean(ByteBuffer in) {
        byte b = in.get();
        if (b != 0 && b != 1) throw new IllegalArgumentException("stored schema: bad flag " + b);
        return b == 1;
    }

    private static String readString(ByteBuffer in) {
        int n = readCount(in, MAX_STRING_BYTES, "string bytes");
        byte[] b = new byte[n];
        in.get(b);
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(b)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("stored schema: a name is not valid UTF-8");
        }
    }

    @Override
    public boolean equals(Object o) { return o instanceof Schema s && s.entities.equals(entities); }

    @Override
    public int hashCode() { return entities.hashCode(); }

    @Override
    public String toString() { return "Schema" + entities.values(); }
}
