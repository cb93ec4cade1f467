package io.bulwark.jakarta.tck;

import static org.junit.jupiter.api.Assertions.assertEquals;

import ee.jakarta.tck.data.core.cdi.AddressBook;
import ee.jakarta.tck.data.core.cdi.AddressRecord;
import ee.jakarta.tck.data.core.cdi.CDITests;
import ee.jakarta.tck.data.core.cdi.Directory;
import ee.jakarta.tck.data.core.cdi.Person;
import io.bulwark.jakarta.cdi.BulwarkExtension;
import java.util.Set;
import org.jboss.weld.environment.se.Weld;
import org.jboss.weld.environment.se.WeldContainer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The TCK's core CDI tests ({@link CDITests}: a repository naming another provider, and one whose entity
 * carries another provider's {@code @EntityDefining} annotation, stay unsatisfied). The TCK class is
 * tagged {@code core} and runs under Arquillian in a server; here its two test methods run unchanged
 * inside a Weld SE container holding Bulwark's extension (client mode), both repository interfaces and
 * their entities as discovered types, and a Bulwark repository beside them. {@code Person} carries
 * {@code @jakarta.nosql.Entity}, which the TCK mode maps onto Bulwark's {@code @Entity}: only the
 * repository's provider attribute keeps Bulwark from claiming {@code Directory}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public class BulwarkCdiTests {
    private WeldContainer weld;

    @BeforeAll
    void start() {
        TckEntities.map(Person.class, ee.jakarta.tck.data.standalone.nosql.example.Product.class);
        weld = new Weld("tck-cdi").disableDiscovery().addExtension(new BulwarkExtension())
                .addBeanClasses(TckClient.class, Directory.class, Person.class, AddressBook.class, AddressRecord.class, CatalogUser.class)
                .property("org.jboss.weld.se.shutdownHook", false).initialize();
    }

    @AfterAll
    void stop() {
        if (weld != null) weld.close();
    }

    @Test
    void testDataRepositoryHonorsProviderAttribute() {
        new CDITests().testDataRepositoryHonorsProviderAttribute();
    }

    @Test
    void testDataRepositoryHonorsEntityDefiningAnnotation() {
        new CDITests().testDataRepositoryHonorsEntityDefiningAnnotation();
    }

    @Test
    void bulwarkImplementsOnlyItsOwnRepositoryBesideThem() {
        assertEquals(Set.of(ee.jakarta.tck.data.standalone.nosql.example.Catalog.class),
                weld.getBeanManager().getExtension(BulwarkExtension.class).repositories(), "the extension saw the TCK's repositories and claimed none");
    }
}
