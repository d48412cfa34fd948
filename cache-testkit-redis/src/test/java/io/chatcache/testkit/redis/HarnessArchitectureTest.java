package io.chatcache.testkit.redis;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

@AnalyzeClasses(packages = "io.chatcache.testkit.redis", importOptions = ImportOption.DoNotIncludeTests.class)
class HarnessArchitectureTest {

    @ArchTest
    static final ArchRule only_the_container_class_touches_testcontainers =
            noClasses().that().doNotHaveSimpleName("ContainerRedisServer")
                    .should().dependOnClassesThat().resideInAnyPackage("org.testcontainers..")
                    .because("a machine without Docker must never load Testcontainers");

    @ArchTest
    static final ArchRule the_container_class_is_loaded_only_by_name =
            noClasses().that().doNotHaveSimpleName("ContainerRedisServer")
                    .should().dependOnClassesThat().haveSimpleName("ContainerRedisServer")
                    .because("SingleServerSource loads it reflectively once a Docker socket is found");

    @ArchTest
    static final ArchRule harness_stays_free_of_redis_clients =
            noClasses().should().dependOnClassesThat().resideInAnyPackage("org.redisson..", "io.lettuce..",
                    "redis.clients..")
                    .because("every module must be able to use the harness, whatever Redis client it uses");

    @ArchTest
    static final ArchRule implementation_classes_are_package_private =
            classes().that().haveSimpleNameStartingWith("Local")
                    .or().haveSimpleNameStartingWith("External")
                    .or().haveSimpleNameStartingWith("Container")
                    .or().haveSimpleNameStartingWith("Shared")
                    .should().notBePublic()
                    .because("the public API is RedisServers, RedisServer, RedisCluster and RedisServerOptions");
}
