package io.bulwark.store.schema;

import java.util.List;
import java.util.Optional;

/**
 * The stored shape of one entity: what its records and index entries mean. {@code fields} lists every
 * persistent field (the id and version included) by name, with its declared Java type as written by
 * {@link java.lang.reflect.Type#getTypeName()}; {@code versionField} is null without {@code @Version}.
 * The lists are kept sorted by name, so equal shapes are equal records with equal encodings.
 */
public record EntitySchema(String name, String idField, boolean generatedId, String versionField,
                           List<Field> fields, List<Index> indexes) {

    /** A persistent field: its name and declared type. */
    public record Field(String name, String type) {
        public Field {
            requireName(name, "field name");
            requireName(type, "field type");
        }
    }

    /** A secondary index on a field. */
    public record Index(String field, boolean unique) {
        public Index { requireName(field, "indexed field"); }
    }

    public EntitySchema {
        requireName(name, "entity name");
        fields = List.copyOf(fields);
        indexes = List.copyOf(indexes);
        for (int i = 1; i < fields.size(); i++)
            if (fields.get(i - 1).name().compareTo(fields.get(i).name()) >= 0)
                throw new IllegalArgumentException("entity " + name + ": fields not sorted or repeated at '" + fields.get(i).name() + "'");
        for (int i = 1; i < indexes.size(); i++)
            if (indexes.get(i - 1).field().compareTo(indexes.get(i).field()) >= 0)
                throw new IllegalArgumentException("entity " + name + ": indexes not sorted or repeated at '" + indexes.get(i).field() + "'");
        if (fieldNamed(fields, idField).isEmpty())
            throw new IllegalArgumentException("entity " + name + ": id field '" + idField + "' is not a persistent field");
        if (versionField != null && (versionField.equals(idField) || fieldNamed(fields, versionField).isEmpty()))
            throw new IllegalArgumentException("entity " + name + ": version field '" + versionField + "' is not a persistent field");
        for (Index ix : indexes)
            if (ix.field().equals(idField) || fieldNamed(fields, ix.field()).isEmpty())
                throw new IllegalArgumentException("entity " + name + ": indexed field '" + ix.field() + "' is not a persistent non-id field");
    }

    /** The persistent field with this name. */
    public Optional<Field> field(String fieldName) { return fieldNamed(fields, fieldName); }

    /** The index on this field. */
    public Optional<Index> index(String fieldName) {
        return indexes.stream().filter(i -> i.field().equals(fieldName)).findFirst();
    }

    private static Optional<Field> fieldNamed(List<Field> fields, String fieldName) {
        return fields.stream().filter(f -> f.name().equals(fieldName)).findFirst();
    }

    private static void requireName(String s, String what) {
        if (s == null || s.isEmpty()) throw new IllegalArgumentException(what + " must not be empty");
    }
}
