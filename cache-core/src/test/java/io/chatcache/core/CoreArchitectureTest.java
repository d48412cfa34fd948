package io.chatcache.core;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.library.GeneralCodingRules;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;

@AnalyzeClasses(packages = "io.chatcache.core", importOptions = ImportOption.DoNotIncludeTests.class)
class CoreArchitectureTest {

    @ArchTest
    static final ArchRule core_depends_on_nothing_but_the_jdk =
            classes().that().resideInAPackage("io.chatcache.core..")
                    .should().onlyDependOnClassesThat().resideInAnyPackage("io.chatcache.core..", "java..")
                    .because("cache-core holds the ports and must stay free of dependencies, so that every "
                            + "adapter and every user's store can implement it without pulling in a library");

    @ArchTest
    static final ArchRule core_packages_are_free_of_cycles =
            slices().matching("io.chatcache.(**)").should().beFreeOfCycles()
                    .because("a package cycle inside the ports would make them impossible to split or read "
                            + "one at a time");

    @ArchTest
    static final ArchRule core_never_uses_java_serialization =
            noClasses().that().resideInAPackage("io.chatcache.core..")
                    .should().dependOnClassesThat().belongToAnyOf(ObjectOutputStream.class, ObjectInputStream.class)
                    .because("chat-cache never uses Java serialization: stores serialise with a Serializer");

    @ArchTest
    static final ArchRule core_does_not_log_or_print =
            GeneralCodingRules.NO_CLASSES_SHOULD_ACCESS_STANDARD_STREAMS
                    .because("the ports report through exceptions and statistics; adapters log through SLF4J");

    @ArchTest
    static final ArchRule core_does_not_use_java_util_logging =
            GeneralCodingRules.NO_CLASSES_SHOULD_USE_JAVA_UTIL_LOGGING
                    .because("chat-cache logs through SLF4J in adapters only, never in the ports");
}
