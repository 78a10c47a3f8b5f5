package dev.forum.contract.payload;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import dev.forum.contract.EventType;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * docs/events.md and the records say the same: the "Types and payloads" table has one row per event type, and its
 * payload column (a list of {@code name[?][: View | {fields} | [..]]}) and the views it names list exactly the
 * fields each record writes, nested records included. Field order is not checked; {@code ?} (may be absent) is only
 * allowed on fields that can be null.
 */
class EventsDocTest {

    private static final Path DOC = Path.of("../docs/events.md");
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z_]+)` \\|[^|]*\\|[^|]*\\| `([^`]*)`.*$");
    private static final Pattern VIEW = Pattern.compile("^- `([A-Za-z]+)`: `([^`]*)`.*$");
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One documented field: its wire name, whether it is marked optional, and its structure if given. */
    private record Field(String name, boolean optional, String view, List<Field> fields, boolean array) {
    }

    @Test
    void everyEventTypeIsDocumentedOnceWithTheFieldsOfItsRecord() throws IOException {
        List<String> lines = Files.readAllLines(DOC);
        Map<String, List<Field>> views = new LinkedHashMap<>();
        Map<String, List<Field>> rows = new LinkedHashMap<>();
        for (String line : lines) {
            Matcher view = VIEW.matcher(line);
            if (view.matches()) {
                views.put(view.group(1), parse(view.group(2)));
            }
            Matcher row = ROW.matcher(line);
            if (row.matches()) {
                assertFalse(rows.containsKey(row.group(1)), "documented twice: " + row.group(1));
                rows.put(row.group(1), parse(row.group(2)));
            }
        }

        assertEquals(Arrays.stream(EventType.values()).map(EventType::wireName).sorted().toList(),
                rows.keySet().stream().sorted().toList(), "one row per event type");
        for (EventType type : EventType.values()) {
            check(type.wireName(), type.payloadType(), rows.get(type.wireName()), views);
        }
    }

    private static void check(String where, Class<?> record, List<Field> documented, Map<String, List<Field>> views) {
        Map<String, BeanPropertyDefinition> written = properties(record);
        assertEquals(written.keySet().stream().sorted().toList(),
                documented.stream().map(Field::name).sorted().toList(), where + ": documented fields");
        for (Field field : documented) {
            BeanPropertyDefinition property = written.get(field.name());
            Class<?> type = property.getRawPrimaryType();
            String at = where + "." + field.name();
            assertFalse(field.optional() && type.isPrimitive(), at + " is marked optional but is never absent");
            if (field.array()) {
                assertTrue(List.class.isAssignableFrom(type), at + " is documented as a list");
            } else if (field.view() != null) {
                List<Field> view = views.get(field.view());
                assertNotNull(view, at + ": view " + field.view() + " is not listed under \"Views used below\"");
                check(at + " (" + field.view() + ")", type, view, views);
            } else if (field.fields() != null) {
                check(at, type, field.fields(), views);
            } else {
                assertFalse(type.isRecord(), at + " is an object: document its fields");
            }
        }
    }

    private static Map<String, BeanPropertyDefinition> properties(Class<?> record) {
        assertTrue(record.isRecord(), record + " is not a record");
        BeanDescription description = JSON.getSerializationConfig().introspect(JSON.constructType(record));
        Map<String, BeanPropertyDefinition> properties = new LinkedHashMap<>();
        for (BeanPropertyDefinition property : description.findProperties()) {
            properties.put(property.getName(), property);
        }
        return properties;
    }

    /** {@code a, b?, c: View, d: {e, f}, g: [..]} (without the outer braces). */
    static List<Field> parse(String spec) {
        int[] at = {0};
        List<Field> fields = fields(spec, at);
        assertEquals(spec.length(), at[0], "unparsed rest of `" + spec + "`");
        return fields;
    }

    private static List<Field> fields(String s, int[] at) {
        List<Field> fields = new ArrayList<>();
        while (true) {
            skipSpaces(s, at);
            int start = at[0];
            while (at[0] < s.length() && (Character.isLetterOrDigit(s.charAt(at[0])) || s.charAt(at[0]) == '_')) {
                at[0]++;
            }
            String name = s.substring(start, at[0]);
            assertFalse(name.isEmpty(), "field name expected at " + start + " in `" + s + "`");
            boolean optional = at[0] < s.length() && s.charAt(at[0]) == '?';
            if (optional) {
                at[0]++;
            }
            String view = null;
            List<Field> nested = null;
            boolean array = false;
            if (s.startsWith(":", at[0])) {
                at[0]++;
                skipSpaces(s, at);
                if (s.startsWith("{", at[0])) {
                    at[0]++;
                    nested = fields(s, at);
                    assertTrue(s.startsWith("}", at[0]), "`}` expected in `" + s + "`");
                    at[0]++;
                } else if (s.startsWith("[..]", at[0])) {
                    at[0] += 4;
                    array = true;
                } else {
                    int viewStart = at[0];
                    while (at[0] < s.length() && Character.isLetter(s.charAt(at[0]))) {
                        at[0]++;
                    }
                    view = s.substring(viewStart, at[0]);
                }
            }
            fields.add(new Field(name, optional, view, nested, array));
            skipSpaces(s, at);
            if (!s.startsWith(",", at[0])) {
                return fields;
            }
            at[0]++;
        }
    }

    private static void skipSpaces(String s, int[] at) {
        while (at[0] < s.length() && s.charAt(at[0]) == ' ') {
            at[0]++;
        }
    }
}
