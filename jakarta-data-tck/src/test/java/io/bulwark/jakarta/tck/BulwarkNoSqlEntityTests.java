package io.bulwark.jakarta.tck;

import ee.jakarta.tck.data.standalone.nosql.example.NoSQLEntityTests;
import org.jboss.weld.junit5.WeldInitiator;
import org.jboss.weld.junit5.WeldJunit5Extension;
import org.jboss.weld.junit5.WeldSetup;
import org.junit.jupiter.api.extension.ExtendWith;

/** The TCK's NoSQLEntityTests (standalone, NoSQL entities) against Bulwark's provider. */
@ExtendWith({TckWeld.class, WeldJunit5Extension.class})
public class BulwarkNoSqlEntityTests extends NoSQLEntityTests {
    @WeldSetup
    public WeldInitiator weld = TckWeld.initiator(this);
}
