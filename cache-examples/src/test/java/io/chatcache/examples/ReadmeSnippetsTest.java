package io.chatcache.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The README's quick-start snippets compile: each of its Java blocks appears, line by line (indentation aside),
 * in {@link ReadmeSnippets}, which the build compiles against the current API.
 */
class ReadmeSnippetsTest {

    private static final Path README = Path.of("..", "README.md");
    private static final Path SNIPPETS = Path.of("src", "test", "java", "io", "chatcache", "examples",
            "ReadmeSnippets.java");

    @Test
    void everyQuickStartSnippetIsCompiledVerbatim() throws IOException {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        int start = readme.indexOf("\n## Quick start");
        int end = readme.indexOf("\n### Redis set-up", start);
        assertThat(start).as("the README's quick start").isNotNegative();
        assertThat(end).as("the section after the quick start").isGreaterThan(start);
        List<List<String>> blocks = javaBlocks(readme.substring(start, end));
        List<String> source = stripped(Files.readAllLines(SNIPPETS, StandardCharsets.UTF_8));

        assertThat(blocks).as("Java blocks in the quick start").hasSizeGreaterThanOrEqualTo(7);
        for (List<String> block : blocks) {
            assertThat(Collections.indexOfSubList(source, block))
                    .as("README block starting '%s' is in ReadmeSnippets.java verbatim", block.get(0))
                    .isNotNegative();
        }
    }

    private static List<List<String>> javaBlocks(String markdown) {
        List<List<String>> blocks = new ArrayList<>();
        List<String> current = null;
        for (String line : markdown.split("\n", -1)) {
            if (current == null && line.strip().equals("```java")) {
                current = new ArrayList<>();
            } else if (current != null && line.strip().equals("```")) {
                blocks.add(stripped(current));
                current = null;
            } else if (current != null) {
                current.add(line);
            }
        }
        return blocks;
    }

    private static List<String> stripped(List<String> lines) {
        List<String> out = new ArrayList<>();
        for (String line : lines) {
            if (!line.isBlank()) {
                out.add(line.strip());
            }
        }
        return out;
    }
}
