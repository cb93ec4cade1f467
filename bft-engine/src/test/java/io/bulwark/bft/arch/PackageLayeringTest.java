package io.bulwark.bft.arch;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The engine's packages form a directed graph with no cycles, in this order (lower first):
 * <pre>
 *   crypto, service, net        depend on no other engine package
 *   config                      on crypto (the public keys it holds)
 *   state                       on crypto (digests) and service (it implements the pages a service sees)
 *   msg                         on crypto, config, state (records, codec, the table of types, rejections)
 *   wire                        on msg, crypto (frames, MACs and authenticators around messages)
 *   keys                        on msg, config, crypto (NEW-KEY, section 4.1)
 *   core                        on msg, state, service, config, crypto (the pure state machines)
 *   node                        on everything (the runtime)
 * </pre>
 * A cycle (msg and wire used to need each other, and so did config and crypto, state and service,
 * crypto and msg) means two packages can only be understood, tested and changed together.
 */
class PackageLayeringTest {
    private static final JavaClasses ENGINE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.bulwark.bft");

    @Test
    void theEnginesPackagesHaveNoCycles() {
        slices().matching("io.bulwark.bft.(*)..").should().beFreeOfCycles().check(ENGINE);
    }

    @Test
    void eachPackageUsesOnlyTheLayersBelowIt() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("crypto").definedBy("io.bulwark.bft.crypto..")
                .layer("service").definedBy("io.bulwark.bft.service..")
                .layer("net").definedBy("io.bulwark.bft.net..")
                .layer("config").definedBy("io.bulwark.bft.config..")
                .layer("state").definedBy("io.bulwark.bft.state..")
                .layer("msg").definedBy("io.bulwark.bft.msg..")
                .layer("wire").definedBy("io.bulwark.bft.wire..")
                .layer("keys").definedBy("io.bulwark.bft.keys..")
                .layer("core").definedBy("io.bulwark.bft.core..")
                .layer("node").definedBy("io.bulwark.bft.node..")
                .whereLayer("node").mayNotBeAccessedByAnyLayer()
                .whereLayer("core").mayOnlyBeAccessedByLayers("node")
                .whereLayer("keys").mayOnlyBeAccessedByLayers("node")
                .whereLayer("wire").mayOnlyBeAccessedByLayers("node")
                .whereLayer("net").mayOnlyBeAccessedByLayers("node")
                .whereLayer("msg").mayOnlyBeAccessedByLayers("wire", "keys", "core", "node")
                .whereLayer("state").mayOnlyBeAccessedByLayers("msg", "core", "node")
                .whereLayer("config").mayOnlyBeAccessedByLayers("msg", "keys", "core", "node")
                .whereLayer("service").mayOnlyBeAccessedByLayers("state", "core", "node")
                .whereLayer("crypto").mayOnlyBeAccessedByLayers("config", "state", "msg", "wire", "keys", "core", "node")
                .check(ENGINE);
    }
}
