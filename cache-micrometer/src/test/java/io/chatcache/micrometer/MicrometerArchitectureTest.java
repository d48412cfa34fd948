package io.chatcache.micrometer;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Micrometer stays in this module: the library's other modules (on this test class path) never use it, and
 * this module needs no Spring.
 */
@AnalyzeClasses(packages = "io.chatcache", importOptions = ImportOption.DoNotIncludeTests.class)
class MicrometerArchitectureTest {

    @ArchTest
    static final ArchRule only_this_module_uses_micrometer =
            noClasses().that().resideOutsideOfPackage("io.chatcache.micrometer..")
                    .should().dependOnClassesThat().resideInAPackage("io.micrometer..")
                    .because("cache-core, the adapters and the chat domain stay free of Micrometer: an "
                            + "application that does not monitor pulls in none of it");

    @ArchTest
    static final ArchRule the_binders_need_no_spring =
            noClasses().that().resideInAPackage("io.chatcache.micrometer..")
                    .should().dependOnClassesThat().resideInAPackage("org.springframework..")
                    .because("the binders are usable without Spring");
}
