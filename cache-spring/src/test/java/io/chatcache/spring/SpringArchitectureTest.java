package io.chatcache.spring;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/** Spring stays in the Spring modules: the library's other modules, all on this test class path, never use it. */
@AnalyzeClasses(packages = "io.chatcache", importOptions = ImportOption.DoNotIncludeTests.class)
class SpringArchitectureTest {

    @ArchTest
    static final ArchRule only_the_spring_modules_use_spring =
            noClasses().that().resideOutsideOfPackage("io.chatcache.spring..")
                    .should().dependOnClassesThat().resideInAPackage("org.springframework..")
                    .because("cache-core, the adapters, the chat domain and cache-micrometer stay free of Spring");

    @ArchTest
    static final ArchRule the_spring_cache_needs_no_redis_or_micrometer =
            noClasses().that().resideInAPackage("io.chatcache.spring")
                    .should().dependOnClassesThat().resideInAnyPackage("io.chatcache.redis..", "io.chatcache.memory..",
                            "org.redisson..", "io.micrometer..")
                    .because("the Spring cache speaks to the service only; adapters come at run time");
}
