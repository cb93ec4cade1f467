package io.bulwark.jakarta.tck;

import io.bulwark.store.annotation.Entity;
import io.bulwark.store.annotation.Id;
import io.bulwark.store.annotation.Transient;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.HashSet;
import java.util.Set;
import net.bytebuddy.ByteBuddy;
import net.bytebuddy.agent.ByteBuddyAgent;
import net.bytebuddy.description.annotation.AnnotationDescription;
import net.bytebuddy.dynamic.DynamicType;
import net.bytebuddy.dynamic.loading.ClassReloadingStrategy;
import net.bytebuddy.matcher.ElementMatchers;

/**
 * The provider's test-only mode for the TCK's entities: they carry {@code @jakarta.nosql.Entity} (and
 * {@code @jakarta.persistence.Entity}), which only NoSQL and JPA providers may claim, while Bulwark's
 * store reads its own annotations. Each TCK entity class is redefined in this JVM (through the
 * instrumentation agent, before any repository is analysed) to carry, besides its own annotations,
 * Bulwark's: {@code @Entity} on the class, {@code @Id} on the {@code @jakarta.nosql.Id} field, and
 * {@code @Transient} on every field that is neither {@code @Id} nor {@code @jakarta.nosql.Column} (not
 * persistent in Jakarta NoSQL). Nothing else of the class changes: no field, method or code. The
 * TCK's tests and repositories are used as shipped.
 */
final class TckEntities {
    private static final Set<Class<?>> MAPPED = new HashSet<>();

    private TckEntities() {}

    static synchronized void map(Class<?>... types) {
        ByteBuddyAgent.install();
        for (Class<?> t : types) {
            if (MAPPED.contains(t) || t.isAnnotationPresent(Entity.class)) continue;
            if (!t.isAnnotationPresent(jakarta.nosql.Entity.class)) throw new IllegalArgumentException(t.getName() + " is not a @jakarta.nosql.Entity");
            DynamicType.Builder<?> b = new ByteBuddy().redefine(t).annotateType(AnnotationDescription.Builder.ofType(Entity.class).build());
            for (Field f : t.getDeclaredFields()) {
                if (Modifier.isStatic(f.getModifiers()) || f.isSynthetic()) continue;
                Class<? extends java.lang.annotation.Annotation> mark = f.isAnnotationPresent(jakarta.nosql.Id.class) ? Id.class
                        : f.isAnnotationPresent(jakarta.nosql.Column.class) ? null : Transient.class;
                if (mark != null) b = b.field(ElementMatchers.named(f.getName())).annotateField(AnnotationDescription.Builder.ofType(mark).build());
            }
            b.make().load(t.getClassLoader(), ClassReloadingStrategy.fromInstalledAgent());
            if (!t.isAnnotationPresent(Entity.class)) throw new IllegalStateException("the redefinition of " + t.getName() + " did not take");
            MAPPED.add(t);
        }
    }
}
