package io.chatcache.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * cache-core has no dependency outside test scope, in its own pom or inherited from the parent, so
 * depending on it never brings a library along. (CoreArchitectureTest checks the code side: no class
 * outside {@code java.*} is referenced.)
 */
class NoDependenciesTest {

    @Test
    void corePomDeclaresOnlyTestScopedDependencies() throws Exception {
        Document pom = parse(moduleDirectory().resolve("pom.xml"));
        assertThat(textOf(pom.getDocumentElement(), "artifactId")).isEqualTo("cache-core");

        assertThat(dependenciesOf(pom)).as("dependencies of cache-core/pom.xml, as groupId:artifactId:scope")
                .allSatisfy(dependency -> assertThat(dependency).endsWith(":test"));
    }

    @Test
    void parentPomGivesCoreOnlyTestScopedDependencies() throws Exception {
        Document parent = parse(moduleDirectory().resolveSibling("pom.xml"));
        assertThat(textOf(parent.getDocumentElement(), "artifactId")).isEqualTo("chat-cache-parent");

        assertThat(dependenciesOf(parent)).as("dependencies every module inherits from the parent pom")
                .allSatisfy(dependency -> assertThat(dependency).endsWith(":test"));
    }

    /** The module directory, found from the compiled test classes (target/test-classes), not the working directory. */
    private static Path moduleDirectory() throws URISyntaxException {
        Path testClasses = Path.of(NoDependenciesTest.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path module = testClasses.getParent().getParent();
        assertThat(module.resolve("pom.xml")).as("cache-core's pom.xml next to its target directory").isRegularFile();
        return module;
    }

    private static Document parse(Path pom) throws Exception {
        DocumentBuilderFactory factory = DocumentBuilderFactory.newInstance();
        factory.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
        factory.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        try (InputStream in = Files.newInputStream(pom)) {
            return factory.newDocumentBuilder().parse(in);
        }
    }

    /** The project's own {@code <dependencies>} (not dependencyManagement, not plugins'), as g:a:scope. */
    private static List<String> dependenciesOf(Document pom) {
        List<String> found = new ArrayList<>();
        Element dependencies = child(pom.getDocumentElement(), "dependencies");
        if (dependencies == null) {
            return found;
        }
        for (Node node = dependencies.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element dependency && dependency.getTagName().equals("dependency")) {
                String scope = textOf(dependency, "scope");
                found.add(textOf(dependency, "groupId") + ":" + textOf(dependency, "artifactId") + ":"
                        + (scope == null ? "compile" : scope));
            }
        }
        return found;
    }

    private static Element child(Element parent, String tag) {
        for (Node node = parent.getFirstChild(); node != null; node = node.getNextSibling()) {
            if (node instanceof Element element && element.getTagName().equals(tag)) {
                return element;
            }
        }
        return null;
    }

    private static String textOf(Element parent, String tag) {
        Element element = child(parent, tag);
        return element == null ? null : element.getTextContent().trim();
    }
}
