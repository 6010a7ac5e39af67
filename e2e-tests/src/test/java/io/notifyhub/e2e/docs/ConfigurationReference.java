package io.notifyhub.e2e.docs;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The property names of docs/configuration.md's tables, and their comparison with the configuration metadata that
 * spring-boot-configuration-processor writes for the {@code @ConfigurationProperties} classes.
 *
 * <p>A row names its properties in its first cell, in backticks: {@code `a.b.c` / `.d`} stands for {@code a.b.c} and
 * {@code a.b.d}, and a {@code <placeholder>} segment for a key of a map. Other backticked text there (not a dotted
 * lower-case name) is not a property.
 */
final class ConfigurationReference {

    private static final Pattern CODE = Pattern.compile("`([^`]+)`");
    private static final Pattern PROPERTY = Pattern.compile("[a-z][a-z0-9-]*(\\.([a-z0-9-]+|<[a-z]+>))+");
    private static final Pattern SUFFIX = Pattern.compile("(\\.([a-z0-9-]+|<[a-z]+>))+");

    /**
     * One property named by a row of the page, with the default the row gives it: the backticked value of the third
     * cell at the property's position (or the only one), null when the cell has none (e.g. "(none)").
     */
    record Row(String property, int line, String section, String documentedDefault) {}

    /** One property of the metadata: its name, Java type, declaring class, default and description. */
    record Declared(String name, String type, String sourceType, Object defaultValue, String description) {
        boolean isMap() {
            return type != null && type.startsWith("java.util.Map<");
        }
    }

    /** A property read another way than through {@code @ConfigurationProperties}, and the file that reads it. */
    record ReadElsewhere(String name, String source, String why) {}

    private final List<Row> rows;

    private ConfigurationReference(List<Row> rows) {
        this.rows = List.copyOf(rows);
    }

    static ConfigurationReference parse(String markdown) {
        List<Row> rows = new ArrayList<>();
        String section = "(top)";
        String[] lines = markdown.split("\n", -1);
        boolean fenced = false;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.startsWith("```")) {
                fenced = !fenced;
            }
            if (fenced) {
                continue;
            }
            if (line.startsWith("## ")) {
                section = line.substring(3).trim();
            }
            if (!line.startsWith("| ") || line.startsWith("|---")) {
                continue;
            }
            String[] cells = line.substring(1).split("(?<!\\\\)\\|");
            List<String> names = new ArrayList<>();
            String previous = null;
            Matcher code = CODE.matcher(cells[0]);
            while (code.find()) {
                String token = code.group(1).trim();
                String name = null;
                if (PROPERTY.matcher(token).matches()) {
                    name = token;
                } else if (previous != null && SUFFIX.matcher(token).matches()) {
                    name = previous.substring(0, previous.lastIndexOf('.')) + token;
                }
                if (name != null) {
                    names.add(name);
                    previous = name;
                }
            }
            List<String> defaults = new ArrayList<>();
            Matcher value = CODE.matcher(cells.length > 2 ? cells[2] : "");
            while (value.find()) {
                defaults.add(value.group(1));
            }
            for (int n = 0; n < names.size(); n++) {
                String documented = defaults.size() == names.size()
                        ? defaults.get(n)
                        : defaults.size() == 1 ? defaults.get(0) : null;
                rows.add(new Row(names.get(n), i + 1, section, documented));
            }
        }
        return new ConfigurationReference(rows);
    }

    List<Row> rows() {
        return rows;
    }

    /**
     * What is wrong between the page and the metadata, one message per problem, each saying which row to add,
     * remove or correct and where.
     */
    List<String> problems(List<Declared> declared, List<ReadElsewhere> readElsewhere, String prefix) {
        Map<String, Declared> byName = new LinkedHashMap<>();
        declared.stream()
                .filter(d -> d.name().startsWith(prefix))
                .sorted(Comparator.comparing(Declared::name))
                .forEach(d -> byName.putIfAbsent(d.name(), d));
        Set<String> elsewhere =
                readElsewhere.stream().map(ReadElsewhere::name).collect(java.util.stream.Collectors.toSet());
        List<String> problems = new ArrayList<>();
        for (Declared d : byName.values()) {
            boolean documented = rows.stream()
                    .anyMatch(r -> r.property().equals(d.name())
                            || (d.isMap() && r.property().startsWith(d.name() + ".")));
            if (!documented) {
                problems.add(missingRow(d));
            }
        }
        for (Row row : rows) {
            String name = row.property();
            if (!name.startsWith(prefix) || elsewhere.contains(name)) {
                continue;
            }
            boolean known = byName.containsKey(name)
                    || byName.values().stream().anyMatch(d -> d.isMap() && name.startsWith(d.name() + "."));
            Declared d = byName.get(name);
            if (d != null
                    && d.defaultValue() != null
                    && !format(d.defaultValue()).equals(row.documentedDefault())) {
                problems.add("docs/configuration.md line " + row.line() + ": the default of `" + name + "` is `"
                        + format(d.defaultValue()) + "` in " + d.sourceType() + ", the row says "
                        + (row.documentedDefault() == null ? "none" : "`" + row.documentedDefault() + "`"));
            }
            if (!known) {
                problems.add("docs/configuration.md line " + row.line() + " (section \"" + row.section()
                        + "\") names `" + name + "`, which no @ConfigurationProperties class declares (it is in no "
                        + "META-INF/spring-configuration-metadata.json): correct the name or remove the row; if "
                        + "the property is read with @Value or the like, add it to READ_ELSEWHERE in "
                        + "ConfigurationReferenceTests with the file that reads it");
            }
        }
        for (ReadElsewhere e : readElsewhere) {
            if (byName.containsKey(e.name())) {
                problems.add("`" + e.name() + "` is declared by "
                        + byName.get(e.name()).sourceType()
                        + " now: take it off READ_ELSEWHERE in ConfigurationReferenceTests");
            }
            if (rows.stream().noneMatch(r -> r.property().equals(e.name()))) {
                problems.add("docs/configuration.md has no row for `" + e.name() + "` (read in " + e.source() + ")");
            }
        }
        return problems;
    }

    private String missingRow(Declared d) {
        String where;
        Row neighbour = rows.stream()
                .filter(r -> !r.property().contains("<"))
                .max(Comparator.comparingInt((Row r) -> commonSegments(r.property(), d.name()))
                        .thenComparingInt(r -> -r.line()))
                .orElse(null);
        if (neighbour == null || commonSegments(neighbour.property(), d.name()) < 2) {
            where = "in the section it belongs to (the page has no row of `"
                    + d.name().substring(0, d.name().lastIndexOf('.')) + ".*` yet)";
        } else {
            Row last = rows.stream()
                    .filter(r -> r.section().equals(neighbour.section())
                            && commonSegments(r.property(), d.name()) == commonSegments(neighbour.property(), d.name()))
                    .max(Comparator.comparingInt(Row::line))
                    .orElse(neighbour);
            where = "in section \"" + last.section() + "\", after the row of `" + last.property() + "` (line "
                    + last.line() + ")";
        }
        String defaultValue = d.defaultValue() == null ? "(none)" : "`" + format(d.defaultValue()) + "`";
        String meaning = d.description() == null || d.description().isBlank()
                ? "(meaning: write Javadoc on the field of " + d.sourceType() + ")"
                : d.description()
                        .replaceAll("\\s+", " ")
                        .replaceAll("\\{@code ([^}]*)}", "`$1`")
                        .replace("|", "\\|");
        return "docs/configuration.md has no row for `" + d.name() + "` (declared by " + d.sourceType() + "); add "
                + where + ":\n    | `" + d.name() + "` | `" + environmentVariable(d.name()) + "` | " + defaultValue
                + " | " + meaning + " |";
    }

    /** Spring Boot's relaxed binding of a property to an environment variable. */
    static String environmentVariable(String property) {
        return property.replace('.', '_').replace('-', '_').toUpperCase(Locale.ROOT);
    }

    /** A default as the page writes it: lists comma-separated without spaces, numbers without {@code .0}. */
    static String format(Object value) {
        if (value instanceof List<?> list) {
            return String.join(",", list.stream().map(String::valueOf).toList());
        }
        if (value instanceof Double number && number == Math.rint(number)) {
            return String.valueOf(number.longValue());
        }
        String text = String.valueOf(value);
        if (text.startsWith("[") && text.endsWith("]")) {
            return text.substring(1, text.length() - 1).replace(", ", ",");
        }
        return text;
    }

    private static int commonSegments(String a, String b) {
        String[] x = a.split("\\.");
        String[] y = b.split("\\.");
        int n = 0;
        while (n < x.length && n < y.length && x[n].equals(y[n])) {
            n++;
        }
        return n;
    }
}
