package io.chatcache.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The reactor's publishing promises, read from the poms and the source tree: every module that is deployed
 * is in {@code cache-bom}, names its root package as its {@code Automatic-Module-Name}, and shares no
 * package with another module (a split package would stop both jars from loading on the module path).
 */
class PublishedModulesTest {

    /** Modules that never reach a repository. */
    private static final Set<String> UNPUBLISHED = Set.of("cache-examples", "cache-spring-example", "cache-bench");

    private static Path root;
    private static List<String> modules;

    @BeforeAll
    static void readReactor() throws Exception {
        Path testClasses = Path.of(PublishedModulesTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        root = testClasses.getParent().getParent().getParent();
        Document parent = parse(root.resolve("pom.xml"));
        assertThat(textOf(parent.getDocumentElement(), "artifactId")).isEqualTo("chat-cache-parent");
        modules = childTexts(child(parent.getDocumentElement(), "modules"), "module");
        assertThat(modules).contains("cache-bom", "cache-core").containsAll(UNPUBLISHED);
    }

    @Test
    void unpublishedModulesSkipDeployAndInstall() throws Exception {
        for (String module : UNPUBLISHED) {
            Map<String, String> properties = propertiesOf(parse(root.resolve(module).resolve("pom.xml")));
            assertThat(properties).as(module + "'s properties")
                    .containsEntry("maven.deploy.skip", "true")
                    .containsEntry("maven.install.skip", "true")
                    .containsEntry("maven.javadoc.skip", "true")
                    .containsEntry("maven.source.skip", "true");
        }
    }

    @Test
    void bomManagesExactlyThePublishedModules() throws Exception {
        Document bom = parse(root.resolve("cache-bom").resolve("pom.xml"));
        assertThat(child(bom.getDocumentElement(), "parent"))
                .as("cache-bom has no parent, so importing it manages nothing but chat-cache's modules").isNull();
        List<String> managed = new ArrayList<>();
        for (Element dependency : childElements(
                child(child(bom.getDocumentElement(), "dependencyManagement"), "dependencies"), "dependency")) {
            assertThat(textOf(dependency, "groupId")).isEqualTo("io.chatcache");
            assertThat(textOf(dependency, "version")).isEqualTo("${project.version}");
            managed.add(textOf(dependency, "artifactId"));
        }
        assertThat(managed).as("cache-bom's managed artifacts").containsExactlyInAnyOrderElementsOf(published());
    }

    @Test
    void everyModuleNamesItsRootPackageAndNoPackageIsSplit() throws Exception {
        Map<String, String> ownerOfPackage = new HashMap<>();
        for (String module : modules) {
            if (module.equals("cache-bom")) {
                continue;
            }
            String name = propertiesOf(parse(root.resolve(module).resolve("pom.xml"))).get("automatic.module.name");
            assertThat(name).as(module + "'s automatic.module.name").isNotBlank();
            Set<String> packages = packagesOf(root.resolve(module).resolve("src/main/java"));
            assertThat(packages).as(module + "'s packages").isNotEmpty()
                    .allSatisfy(pkg -> assertThat(pkg.equals(name) || pkg.startsWith(name + "."))
                            .as("%s's package %s lies under its module name %s", module, pkg, name).isTrue());
            for (String pkg : packages) {
                String earlier = ownerOfPackage.putIfAbsent(pkg, module);
                assertThat(earlier).as("package %s is split between %s and %s", pkg, earlier, module).isNull();
            }
        }
    }

    private static List<String> published() {
        return modules.stream().filter(m -> !m.equals("cache-bom") && !UNPUBLISHED.contains(m)).toList();
    }

    private static Set<String> packagesOf(Path sources) throws IOException {
        Set<String> packages = new TreeSet<>();
        try (Stream<Path> files = Files.walk(sources)) {
            files.filter(f -> f.toString().endsWith(".java"))
                    .forEach(f -> packages.add(sources.relativize(f.getParent()).toString().replace('/', '.')
                            .replace('\\', '.')));
        }
        return packages;
    }

    private static Map<String, String> propertiesOf(Document pom) {
        Map<String, String> properties = new HashMap<>();
        Element element = child(pom.getDocumentElement(), "properties");
        if (element != null) {
            for (Node node = element.getFirstChild(); node != null; node = node.getNextSibling()) {
                if (node instanceof Element property) {
                    properties.put(property.getTagName(), property.getTextContent().trim());
                }
            }
        }
        return properties;
    }

    private static Document parse(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        try (InputStream in = Files.newInputStream(pom)) {
            return factory.newDocumentBuilder().parse(in);
        }
    }

    private static List<Element> childElements(Element parent, String tag) {
        List<Element> found = new ArrayList<>();
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(tag)) {
                found.add(element);
            }
        }
        return found;
    }

    private static List<String> childTexts(Element parent, String tag) {
        return childElements(parent, tag).stream().map(e -> e.getTextContent().trim()).toList();
    }

    private static Element child(Element parent, String tag) {
        List<Element> found = childElements(parent, tag);
        return found.isEmpty() ? null : found.get(0);
    }

    private static String textOf(Element parent, String tag) {
        Element element = child(parent, tag);
        return element == null ? null : element.getTextContent().trim();
    }
}
