package io.chatcache.redis;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaCodeUnit;
import com.tngtech.archunit.core.domain.JavaField;
import com.tngtech.archunit.core.domain.JavaMember;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchCondition;
import com.tngtech.archunit.lang.ArchRule;
import com.tngtech.archunit.lang.ConditionEvents;
import com.tngtech.archunit.lang.SimpleConditionEvent;

import java.util.HashSet;
import java.util.Set;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.members;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

/** The adapter's boundaries, checked on the compiled classes (cache-core comes from its jar). */
@AnalyzeClasses(packages = "io.chatcache", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {

    @ArchTest
    static final ArchRule adapter_depends_on_core_redisson_jackson_and_slf4j_only =
            classes().that().resideInAPackage("io.chatcache.redis..")
                    .should().onlyDependOnClassesThat().resideInAnyPackage(
                            "io.chatcache.core..", "io.chatcache.redis..", "java..", "javax.net.ssl..",
                            "org.redisson..", "com.fasterxml.jackson..", "org.slf4j..")
                    .because("the Redis adapter is core plus Redisson, Jackson and SLF4J; anything else would"
                            + " reach every application that uses it");

    @ArchTest
    static final ArchRule adapter_packages_have_no_cycles =
            slices().matching("io.chatcache.redis.(*)..").should().beFreeOfCycles()
                    .because("internal helpers serve the public classes, never the other way round");

    @ArchTest
    static final ArchRule core_depends_on_nothing_of_redis_or_jackson =
            classes().that().resideInAPackage("io.chatcache.core..")
                    .should().onlyDependOnClassesThat().resideInAnyPackage("io.chatcache.core..", "java..")
                    .because("cache-core holds the ports and must stay free of dependencies");

    @ArchTest
    static final ArchRule no_public_signature_of_core_mentions_redisson_or_jackson =
            members().that().areDeclaredInClassesThat().resideInAPackage("io.chatcache.core..")
                    .and().arePublic()
                    .should(new ArchCondition<JavaMember>("mention no Redisson or Jackson type in their signature") {
                        @Override
                        public void check(JavaMember member, ConditionEvents events) {
                            Set<JavaClass> involved = new HashSet<>();
                            if (member instanceof JavaField field) {
                                involved.addAll(field.getType().getAllInvolvedRawTypes());
                            }
                            if (member instanceof JavaCodeUnit codeUnit) {
                                involved.addAll(codeUnit.getReturnType().getAllInvolvedRawTypes());
                                codeUnit.getParameterTypes()
                                        .forEach(type -> involved.addAll(type.getAllInvolvedRawTypes()));
                                involved.addAll(codeUnit.getThrowsClause().getTypes());
                            }
                            for (JavaClass type : involved) {
                                String name = type.getName();
                                if (name.startsWith("org.redisson.") || name.startsWith("com.fasterxml.")) {
                                    events.add(SimpleConditionEvent.violated(member,
                                            member.getFullName() + " mentions " + name));
                                }
                            }
                            events.add(SimpleConditionEvent.satisfied(member, member.getFullName() + " is clean"));
                        }
                    })
                    .because("the ports must not tie users to one adapter's libraries");

    @ArchTest
    static final ArchRule internal_classes_are_not_used_by_core =
            classes().that().resideInAPackage("io.chatcache.redis.internal..")
                    .should().onlyHaveDependentClassesThat().resideInAPackage("io.chatcache.redis..")
                    .because("io.chatcache.redis.internal is the adapter's implementation, not API");

    @ArchTest
    static final ArchRule public_adapter_classes_are_final =
            classes().that().resideInAPackage("io.chatcache.redis").and().arePublic().and().areNotInterfaces()
                    .and().areNotRecords().and().areNotEnums()
                    .should().haveModifier(JavaModifier.FINAL)
                    .because("the adapter's public classes are not designed for extension");
}
