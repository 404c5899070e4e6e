package dev.shed.core.json;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.Map;

/**
 * JSON for shed: documents are parsed as trees and never re-serialised when their digest matters.
 *
 * <p>Trees are read and written with jackson-core's streaming parser/generator and {@link JsonNodeFactory}, not
 * with an {@link ObjectMapper}: building a mapper costs a few hundred milliseconds of class loading and
 * initialisation, which dominated short commands like {@code shed image ls}. The output is the same as the
 * mapper's (compact, or its default pretty printer). {@link #mapper()} is still there, built on first use, for
 * callers that bind POJOs.
 */
public final class Json {
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private Json() {}

    private static final class MapperHolder {
        static final ObjectMapper MAPPER = new ObjectMapper()
                .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false)
                .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true);
    }

    /** A full Jackson mapper (slow to build; prefer the tree methods here). */
    public static ObjectMapper mapper() {
        return MapperHolder.MAPPER;
    }

    /** Parses bytes as a JSON object; {@code what} names the document in the error. */
    public static JsonNode parseObject(byte[] bytes, String what) {
        JsonNode node = parse(bytes, what);
        if (!node.isObject()) throw new IllegalArgumentException(what + ": not a JSON object");
        return node;
    }

    /** Parses any JSON value; {@code what} names the document in the error. */
    public static JsonNode parse(byte[] bytes, String what) {
        try (JsonParser p = FACTORY.createParser(bytes)) {
            JsonToken t = p.nextToken();
            if (t == null) throw new IllegalArgumentException(what + ": empty document, not JSON");
            return read(p, t);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + ": invalid JSON: " + firstLine(e.getMessage()));
        }
    }

    private static JsonNode read(JsonParser p, JsonToken t) throws IOException {
        switch (t) {
            case START_OBJECT: {
                ObjectNode o = NODES.objectNode();
                JsonToken k;
                while ((k = p.nextToken()) == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    o.set(name, read(p, p.nextToken()));
                }
                if (k != JsonToken.END_OBJECT) throw new JsonProcessingException("unterminated object", p.currentLocation()) {};
                return o;
            }
            case START_ARRAY: {
                ArrayNode a = NODES.arrayNode();
                JsonToken v;
                while ((v = p.nextToken()) != JsonToken.END_ARRAY) {
                    if (v == null) throw new JsonProcessingException("unterminated array", p.currentLocation()) {};
                    a.add(read(p, v));
                }
                return a;
            }
            case VALUE_STRING: return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                switch (p.getNumberType()) {
                    case INT: return NODES.numberNode(p.getIntValue());
                    case LONG: return NODES.numberNode(p.getLongValue());
                    default: return NODES.numberNode(p.getBigIntegerValue());
                }
            case VALUE_NUMBER_FLOAT: return NODES.numberNode(p.getDoubleValue());
            case VALUE_TRUE: return NODES.booleanNode(true);
            case VALUE_FALSE: return NODES.booleanNode(false);
            case VALUE_NULL: return NODES.nullNode();
            default: throw new JsonProcessingException("unexpected " + t, p.currentLocation()) {};
        }
    }

    public static ObjectNode object() {
        return NODES.objectNode();
    }

    public static ArrayNode array() {
        return NODES.arrayNode();
    }

    /** Compact JSON bytes (UTF-8). Trees are written directly; other values go through the full mapper. */
    public static byte[] bytes(Object value) {
        if (!(value instanceof JsonNode node)) {
            try {
                return mapper().writeValueAsBytes(value);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Indented JSON as the mapper's default pretty printer writes it. */
    public static String pretty(Object value) {
        if (!(value instanceof JsonNode node)) {
            try {
                return mapper().writerWithDefaultPrettyPrinter().writeValueAsString(value);
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
        }
        StringWriter out = new StringWriter();
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.setPrettyPrinter(new DefaultPrettyPrinter());
            write(g, node);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void write(JsonGenerator g, JsonNode n) throws IOException {
        switch (n.getNodeType()) {
            case OBJECT: {
                g.writeStartObject();
                Iterator<Map.Entry<String, JsonNode>> it = n.fields();
                while (it.hasNext()) {
                    Map.Entry<String, JsonNode> e = it.next();
                    g.writeFieldName(e.getKey());
                    write(g, e.getValue());
                }
                g.writeEndObject();
                break;
            }
            case ARRAY:
                g.writeStartArray();
                for (JsonNode c : n) write(g, c);
                g.writeEndArray();
                break;
            case STRING: g.writeString(n.textValue()); break;
            case BOOLEAN: g.writeBoolean(n.booleanValue()); break;
            case NULL: g.writeNull(); break;
            case NUMBER:
                if (n.isInt()) g.writeNumber(n.intValue());
                else if (n.isLong()) g.writeNumber(n.longValue());
                else if (n.isBigInteger()) g.writeNumber(n.bigIntegerValue());
                else if (n.isBigDecimal()) g.writeNumber(n.decimalValue());
                else if (n.isFloat()) g.writeNumber(n.floatValue());
                else g.writeNumber(n.doubleValue());
                break;
            default:
                throw new IOException("cannot write JSON node of type " + n.getNodeType());
        }
    }

    public static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String firstLine(String s) {
        if (s == null) return "";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
