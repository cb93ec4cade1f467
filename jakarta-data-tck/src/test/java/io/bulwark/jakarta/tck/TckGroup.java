package io.bulwark.jakarta.tck;

import ee.jakarta.tck.data.framework.read.only.AsciiCharacter;
import ee.jakarta.tck.data.framework.read.only.AsciiCharacters;
import ee.jakarta.tck.data.framework.read.only.CustomRepository;
import ee.jakarta.tck.data.framework.read.only.NaturalNumber;
import ee.jakarta.tck.data.framework.read.only.NaturalNumbers;
import ee.jakarta.tck.data.framework.read.only.PositiveIntegers;
import ee.jakarta.tck.data.standalone.entity.Box;
import ee.jakarta.tck.data.standalone.entity.Boxes;
import ee.jakarta.tck.data.standalone.entity.Coordinate;
import ee.jakarta.tck.data.standalone.entity.MultipleEntityRepo;
import ee.jakarta.tck.data.standalone.nosql.example.Catalog;
import ee.jakarta.tck.data.standalone.nosql.example.Product;
import io.bulwark.bft.config.ProtocolConfig;
import io.bulwark.bft.testkit.MiniCluster;
import io.bulwark.jakarta.client.BulwarkClient;
import io.bulwark.jakarta.replica.ReplicatedStore;
import io.bulwark.store.StoreDefinition;
import io.bulwark.store.access.Access;
import io.bulwark.store.access.AccessPolicy;
import io.bulwark.store.service.StoreService;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The replica group the TCK runs against, one per test JVM: four loopback replicas whose store runs the
 * TCK's repositories (every repository method that declares no access rule open to every client: the
 * TCK's repositories declare none), and the client the repository proxies use. Started by the first test
 * class that needs it, stopped when the JUnit run ends (a resource of the root extension context).
 */
final class TckGroup implements ExtensionContext.Store.CloseableResource {
    static final Duration WAIT = Duration.ofSeconds(30);
    static final List<Class<?>> ENTITIES = List.of(AsciiCharacter.class, Box.class, Coordinate.class, NaturalNumber.class, Product.class);
    static final List<Class<?>> REPOSITORIES = List.of(AsciiCharacters.class, Boxes.class, Catalog.class, CustomRepository.class,
            MultipleEntityRepo.class, NaturalNumbers.class, PositiveIntegers.class);

    private static TckGroup current;

    private final Path dir;
    private final MiniCluster group;
    private final BulwarkClient client;

    private TckGroup() throws Exception {
        TckEntities.map(ENTITIES.toArray(Class<?>[]::new));
        dir = Files.createTempDirectory("bulwark-tck");
        StoreDefinition definition = ReplicatedStore.definition(List.of(), ENTITIES, REPOSITORIES, new Access.Everyone())
                .accessPolicy(AccessPolicy.builder().grant(4, "tck", "user").build()).build();
        for (Class<?> r : REPOSITORIES)
            io.bulwark.jakarta.data.RepositoryModel.of(r).unsupportedMethods().forEach((m, why) ->
                    System.err.println("TCK: Bulwark does not implement " + r.getSimpleName() + "." + m + ": " + why));
        ProtocolConfig cfg = ProtocolConfig.defaults(1);
        group = MiniCluster.builder(dir).protocol(cfg).clients(1).pages(2048).waitLimit(WAIT)
                .service(i -> new StoreService(definition, cfg.maxResultBytes())).build();
        client = BulwarkClient.over(group.client(0), WAIT);
    }

    /** The group, started on first use and closed at the end of the JUnit run. */
    static synchronized BulwarkClient client(ExtensionContext context) throws Exception {
        if (current == null) {
            current = new TckGroup();
            context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put(TckGroup.class, current);
        }
        return current.client;
    }

    @Override
    public synchronized void close() throws Exception {
        System.err.println("TCK group at the end: " + group.describe());
        group.close();
        try (var files = Files.walk(dir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
        current = null;
    }
}
