package io.chatcache.spring;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * The Spring cache speaks to the service only. (That no other module uses Spring is checked in the starter, whose
 * test class path holds every module.)
 */
@AnalyzeClasses(packages = "io.chatcache", importOptions = ImportOption.DoNotIncludeTests.class)
class SpringArchitectureTest {

    @ArchTest
    static final ArchRule the_spring_cache_needs_no_redis_or_micrometer =
            noClasses().that().resideInAPackage("io.chatcache.spring")
                    .should().dependOnClassesThat().resideInAnyPackage("io.chatcache.redis..", "io.chatcache.memory..",
                            "org.redisson..", "io.micrometer..")
                    .because("the Spring cache speaks to the service only; adapters come at run time");
}
