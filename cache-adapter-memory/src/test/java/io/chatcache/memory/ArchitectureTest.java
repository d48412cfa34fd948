package io.chatcache.memory;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;
import java.util.Set;

/**
 * The memory adapter's boundaries. Its public API is exactly {@link #PUBLIC_API}; every other class of
 * {@code io.chatcache.memory} is package-private (or nested private), and {@code .internal} holds what
 * must be public for the JDK ({@link java.util.ServiceLoader}) but is not API.
 */
@AnalyzeClasses(packages = "io.chatcache.memory", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    /** The documented public types of the memory adapter. */
    static final Set<String> PUBLIC_API = Set.of(
            "io.chatcache.memory.MemoryCacheStore",
            "io.chatcache.memory.MemoryCacheStore$Builder",
            "io.chatcache.memory.Weigher",
            "io.chatcache.memory.InProcessInvalidationBus",
            "io.chatcache.memory.InProcessInvalidationBus$Network");

    @ArchTest
    static final ArchRule depends_only_on_core_the_jdk_and_slf4j =
            classes().that().resideInAPackage("io.chatcache.memory..")
                    .should().onlyDependOnClassesThat()
                    .resideInAnyPackage("io.chatcache.core..", "io.chatcache.memory..", "java..", "org.slf4j..")
                    .because("the memory adapter is the dependency-free store: no cache library (the LRU is"
                            + " hand-written), no Redis, no JSON");

    @ArchTest
    static final ArchRule no_package_cycles =
            // "io.chatcache.(**)" makes io.chatcache.memory itself a slice too, not only its sub-packages.
            slices().matching("io.chatcache.(**)").should().beFreeOfCycles()
                    .because("the API package must not need its internals' internals back");

    @ArchTest
    static final ArchRule internal_is_not_used_from_outside =
            noClasses().that().resideOutsideOfPackage("io.chatcache.memory.internal..")
                    .should().dependOnClassesThat().resideInAPackage("io.chatcache.memory.internal..")
                    .because("the internal package is not API; only the JDK's ServiceLoader reaches it");

    @ArchTest
    static final ArchRule only_the_documented_api_is_public =
            classes().that().resideInAPackage("io.chatcache.memory")
                    .and().arePublic()
                    .should(beOneOf(PUBLIC_API))
                    .because("engine classes (nodes, buffers, the default weigher, the scheduler) stay"
                            + " package-private so they can change without breaking users");

    @ArchTest
    static final ArchRule the_store_cannot_be_subclassed =
            classes().that().haveFullyQualifiedName("io.chatcache.memory.MemoryCacheStore")
                    .should().haveModifier(JavaModifier.FINAL)
                    .because("its thread-safety rests on invariants a subclass could break");

    @ArchTest
    static final ArchRule internal_classes_are_the_provider_only =
            classes().that().resideInAPackage("io.chatcache.memory.internal")
                    .and().arePublic()
                    .should().implement(io.chatcache.core.CacheStoreProvider.class)
                    .because("internal holds only what ServiceLoader needs public");

    private static ArchCondition<JavaClass> beOneOf(Set<String> names) {
        return new ArchCondition<>("be one of the documented API types " + names) {
            @Override
            public void check(JavaClass type, ConditionEvents events) {
                boolean allowed = names.contains(type.getName());
                events.add(new SimpleConditionEvent(type, allowed,
                        type.getName() + (allowed ? " is" : " is not") + " documented public API"));
            }
        };
    }
}
