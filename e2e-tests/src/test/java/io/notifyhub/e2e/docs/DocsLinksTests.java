package io.notifyhub.e2e.docs;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every relative link of the README and the docs/ pages (and deploy/README.md) leads somewhere: the file exists,
 * and a {@code #fragment} names a heading of that page, as GitHub makes its anchors. Links to the web are not
 * followed. No servers.
 */
class DocsLinksTests {

    private static final Pattern LINK = Pattern.compile("!?\\[[^\\]]*\\]\\(([^)\\s]+)\\)");
    private static final Path ROOT = Path.of(System.getProperty("notifyhub.root", ".."));

    @Test
    void shouldResolveEveryRelativeLinkOfTheDocumentation() throws IOException {
        List<Path> pages = new ArrayList<>(List.of(ROOT.resolve("README.md"), ROOT.resolve("deploy/README.md")));
        try (Stream<Path> docs = Files.list(ROOT.resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            broken.addAll(brokenLinks(page));
        }
        assertThat(pages).hasSizeGreaterThan(5);
        assertThat(broken).as("broken links").isEmpty();
    }

    @Test
    void shouldReportAMissingFileAndAMissingHeading(@org.junit.jupiter.api.io.TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("other.md"), "# Other\n\n## Running against a RabbitMQ cluster\n");
        Path page = dir.resolve("page.md");
        Files.writeString(page, """
                # Page

                [fine](other.md#running-against-a-rabbitmq-cluster) [gone](missing.md) [no anchor](other.md#nope)
                [web](https://example.com/x) [here](#page)

                ```bash
                # not a heading; [not a link](nowhere.md)
                ```
                """);

        assertThat(brokenLinks(page))
                .containsExactly(
                        "page.md:3: missing.md (no such file)",
                        "page.md:3: other.md#nope (no such heading in other.md)");
    }

    static List<String> brokenLinks(Path page) throws IOException {
        List<String> broken = new ArrayList<>();
        List<String> lines = Files.readAllLines(page);
        boolean fenced = false;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            if (line.startsWith("```")) {
                fenced = !fenced;
                continue;
            }
            if (fenced) {
                continue;
            }
            Matcher link = LINK.matcher(line);
            while (link.find()) {
                String target = link.group(1);
                if (target.matches("[a-z]+:.*")) {
                    continue;
                }
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                String fragment = hash < 0 ? null : target.substring(hash + 1);
                Path resolved =
                        file.isEmpty() ? page : page.resolveSibling(file).normalize();
                String where = page.getFileName() + ":" + (i + 1) + ": " + target;
                if (!Files.exists(resolved)) {
                    broken.add(where + " (no such file)");
                } else if (fragment != null && !anchors(resolved).contains(fragment)) {
                    broken.add(where + " (no such heading in " + resolved.getFileName() + ")");
                }
            }
        }
        return broken;
    }

    /** GitHub's anchors of a page's headings: lower case, punctuation dropped, spaces to hyphens. */
    static Set<String> anchors(Path page) throws IOException {
        Set<String> anchors = new HashSet<>();
        if (!page.toString().endsWith(".md")) {
            return anchors;
        }
        boolean fenced = false;
        for (String line : Files.readAllLines(page)) {
            if (line.startsWith("```")) {
                fenced = !fenced;
            } else if (!fenced && line.matches("#{1,6} .*")) {
                String heading = line.replaceFirst("#{1,6} ", "").trim();
                String anchor = heading.toLowerCase(Locale.ROOT)
                        .replaceAll("[^\\p{L}\\p{N} _-]", "")
                        .replace(' ', '-');
                String unique = anchor;
                for (int n = 1; anchors.contains(unique); n++) {
                    unique = anchor + "-" + n;
                }
                anchors.add(unique);
            }
        }
        return anchors;
    }
}
