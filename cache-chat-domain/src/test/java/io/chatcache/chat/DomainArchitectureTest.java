package io.chatcache.chat;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The hexagon's boundaries around the chat domain: it speaks to adapters through the cache-core ports
 * only, and adapters know nothing of it. The adapters are on the test class path, so their classes are
 * imported and the rules about them match something.
 */
@AnalyzeClasses(packages = "io.chatcache", importOptions = ImportOption.DoNotIncludeTests.class)
class DomainArchitectureTest {

    @ArchTest
    static final ArchRule domain_uses_no_adapter =
            noClasses().that().resideInAPackage("io.chatcache.chat..")
                    .should().dependOnClassesThat().resideInAnyPackage("io.chatcache.memory..", "io.chatcache.redis..")
                    .because("the chat domain finds adapters through CacheStoreProvider (ServiceLoader) and speaks "
                            + "to them through the cache-core ports, so an application can leave the Redis jar out");

    @ArchTest
    static final ArchRule domain_uses_no_redis_or_jackson =
            noClasses().that().resideInAPackage("io.chatcache.chat..")
                    .should().dependOnClassesThat().resideInAnyPackage("org.redisson..", "com.fasterxml.jackson..",
                            "io.netty..")
                    .because("Redisson and Jackson belong to cache-adapter-redis only");

    @ArchTest
    static final ArchRule domain_needs_only_the_jdk_core_and_slf4j =
            classes().that().resideInAPackage("io.chatcache.chat..")
                    .should().onlyDependOnClassesThat().resideInAnyPackage("java..", "io.chatcache.core..",
                            "io.chatcache.chat..", "org.slf4j..")
                    .because("the module's only compile dependencies are cache-core and SLF4J: an application "
                            + "that uses the service pulls in nothing else (no Guava, no Jackson)");

    @ArchTest
    static final ArchRule adapters_know_nothing_of_the_domain =
            noClasses().that().resideInAnyPackage("io.chatcache.memory..", "io.chatcache.redis..")
                    .should().dependOnClassesThat().resideInAPackage("io.chatcache.chat..")
                    .because("adapters implement the cache-core ports and depend inward only");

    @ArchTest
    static final ArchRule no_cycles_between_modules =
            slices().matching("io.chatcache.(*)..").should().beFreeOfCycles()
                    .because("modules depend inward, towards cache-core, never in a circle");
}
