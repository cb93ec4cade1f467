package io.bulwark.jakarta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.bulwark.jakarta.cdi.BulwarkExtension;
import io.bulwark.jakarta.cdi.Mode;
import io.bulwark.jakarta.discovery.Ledger;
import io.bulwark.jakarta.discovery.LedgerPage;
import io.bulwark.jakarta.example.TodoService;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.Test;

/**
 * Client mode with real bean discovery over the test classes' {@code bean-discovery-mode="annotated"}
 * beans.xml: the container never shows the extension a contract interface, and one whose bean class is
 * absent ({@link Ledger}) is found only at its injection point; the proxy bean satisfies it.
 */
class AnnotatedDiscoveryTest {
    @Test
    void contractsSeenOnlyAtInjectionPointsGetTheirProxyBean() {
        Weld weld = new Weld("annotated-discovery").property("org.jboss.weld.se.shutdownHook", false);
        try (WeldContainer c = Mode.bootingAs(Mode.CLIENT, weld::initialize)) {
            BulwarkExtension ext = c.getBeanManager().getExtension(BulwarkExtension.class);
            assertEquals(Mode.CLIENT, ext.mode());
            assertTrue(ext.contracts().contains(Ledger.class), "from LedgerPage's injection point: " + ext.contracts());
            assertTrue(ext.contracts().contains(TodoService.class), "from the vetoed TodoServiceBean and TodoPage: " + ext.contracts());
            // LedgerPage's injection point is satisfied (deployment validated it) by the extension's proxy bean.
            var beans = c.getBeanManager().getBeans(Ledger.class);
            assertEquals(1, beans.size());
            assertEquals(Ledger.class, beans.iterator().next().getBeanClass());
            assertTrue(c.select(LedgerPage.class).isResolvable());
        }
    }
}
