package io.chatcache.spring.boot;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * Every module of the library is on this test class path: Spring and Micrometer stay in the modules made for
 * them, so the core, the adapters and the chat domain never pull either in.
 */
@AnalyzeClasses(packages = "io.chatcache", importOptions = ImportOption.DoNotIncludeTests.class)
class StarterArchitectureTest {

    @ArchTest
    static final ArchRule spring_only_in_the_spring_modules =
            noClasses().that().resideOutsideOfPackage("io.chatcache.spring..")
                    .should().dependOnClassesThat().resideInAPackage("org.springframework..")
                    .because("cache-core, the adapters, the chat domain and cache-micrometer stay free of Spring");

    @ArchTest
    static final ArchRule micrometer_only_in_the_binders_and_the_starter =
            noClasses().that().resideOutsideOfPackages("io.chatcache.micrometer..", "io.chatcache.spring.boot..")
                    .should().dependOnClassesThat().resideInAPackage("io.micrometer..")
                    .because("only cache-micrometer and the starter use Micrometer");
}
