package io.bulwark.jakarta.tck;

import io.bulwark.jakarta.cdi.BulwarkExtension;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.junit5.WeldInitiator;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * How the TCK's test classes are injected, as Hibernate's standalone runner does it: each runner class
 * extends a TCK test class and is set up by Weld's JUnit 5 extension with a container holding the
 * Bulwark extension (client mode), the client producer and the runner class itself (whose inherited
 * {@code @Inject} fields name the repositories, which the extension then implements).
 */
final class TckWeld implements BeforeAllCallback {
    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        TckClient.client = TckGroup.client(context);
    }

    static WeldInitiator initiator(Object test) {
        Weld weld = WeldInitiator.createWeld().addExtension(new BulwarkExtension()).addBeanClasses(TckClient.class, test.getClass())
                .property("org.jboss.weld.se.shutdownHook", false);
        return WeldInitiator.from(weld).inject(test).build();
    }
}
