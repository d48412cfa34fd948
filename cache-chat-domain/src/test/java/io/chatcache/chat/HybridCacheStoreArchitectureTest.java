package io.chatcache.chat;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** The hybrid store's boundaries, checked on the compiled main classes of the chat domain. */
@AnalyzeClasses(packages = "io.chatcache.chat", importOptions = ImportOption.DoNotIncludeTests.class)
class HybridCacheStoreArchitectureTest {

    @ArchTest
    static final ArchRule domain_reaches_adapters_through_the_ports_only =
            noClasses().that().resideInAPackage("io.chatcache.chat..")
                    .should().dependOnClassesThat().resideInAnyPackage("io.chatcache.memory..", "io.chatcache.redis..")
                    .because("the domain compiles against cache-core's ports; adapters arrive through "
                            + "ServiceLoader or are handed in, so an application picks them at run time");

    @ArchTest
    static final ArchRule hybrid_engine_is_not_public_api =
            classes().that().haveSimpleName("CircuitBreaker")
                    .or().haveSimpleName("FillGuard")
                    .or().haveSimpleName("OutageJournal")
                    .or().haveSimpleName("L2Link")
                    .or().haveSimpleName("L2Gateway")
                    .or().haveSimpleName("L2Access")
                    .or().haveSimpleName("L2Connector")
                    .or().haveSimpleName("L1Copies")
                    .or().haveSimpleName("Coherence")
                    .or().haveSimpleName("JournalReplayer")
                    .or().haveSimpleName("InvalidationReceiver")
                    .or().haveSimpleName("BusPublisher")
                    .or().haveSimpleName("RemovalReporter")
                    .or().haveSimpleName("BackgroundTasks")
                    .should().notBePublic()
                    .because("the hybrid store's engine may change freely; users meet HybridCacheStore and its "
                            + "builder only");
}
