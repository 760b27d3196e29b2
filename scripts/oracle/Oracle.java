// Oracle: does java.util.regex accept this regex?
//
// Run without a build step: java scripts/oracle/Oracle.java
//
// Reads JSON Lines on stdin, one {"pattern": "...", "flags": "..."} per line,
// and writes one line per input, in order:
//   {"ok": true}                          Pattern.compile(pattern, bits) succeeded
//   {"ok": false, "error": "<message>"}   it threw (exception type and message)
//   {"ok": false, "error": "...", "input_error": true}   the line was not a
//                                          valid input object (not a verdict)
// Flag letters: i, d, m, s, u, x, U -> CASE_INSENSITIVE, UNIX_LINES, MULTILINE,
// DOTALL, UNICODE_CASE, COMMENTS, UNICODE_CHARACTER_CLASS; any other letter is
// reported as a rejection. Blank lines are ignored. Output is ASCII (non-ASCII
// characters are written as \\uXXXX escapes).
//
// No JSON library: a small parser for a flat object whose values are strings
// (null, true, false and numbers are read and ignored).

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

public class Oracle {
    public static void main(String[] args) throws IOException {
        BufferedReader in =
                new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8), 1 << 16);
        Writer out =
                new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8), 1 << 16);
        StringBuilder line = new StringBuilder();
        int c;
        // Split on '\n' only: JSON strings cannot hold a raw newline, but they
        // may hold a raw U+2028 or (invalidly) a raw '\r', which readLine()
        // would treat as line ends.
        while (true) {
            c = in.read();
            if (c == '\n' || c < 0) {
                String s = line.toString();
                line.setLength(0);
                if (s.endsWith("\r")) {
                    s = s.substring(0, s.length() - 1);
                }
                if (!s.isBlank()) {
                    out.write(verdict(s));
                    out.write('\n');
                }
                if (c < 0) {
                    break;
                }
            } else {
                line.append((char) c);
            }
        }
        out.flush();
    }

    static String verdict(String line) {
        String pattern;
        String flags;
        try {
            Map<String, String> obj = new Json(line).object();
            pattern = obj.get("pattern");
            if (pattern == null) {
                throw new IllegalArgumentException("expected an object with a string \"pattern\"");
            }
            flags = obj.getOrDefault("flags", "");
            if (flags == null) {
                flags = "";
            }
        } catch (RuntimeException e) {
            return "{\"ok\":false,\"error\":" + quote("oracle input error: " + e.getMessage())
                    + ",\"input_error\":true}";
        }
        int bits = 0;
        for (int i = 0; i < flags.length(); i++) {
            char f = flags.charAt(i);
            switch (f) {
                case 'i': bits |= Pattern.CASE_INSENSITIVE; break;
                case 'd': bits |= Pattern.UNIX_LINES; break;
                case 'm': bits |= Pattern.MULTILINE; break;
                case 's': bits |= Pattern.DOTALL; break;
                case 'u': bits |= Pattern.UNICODE_CASE; break;
                case 'x': bits |= Pattern.COMMENTS; break;
                case 'U': bits |= Pattern.UNICODE_CHARACTER_CLASS; break;
                default:
                    return "{\"ok\":false,\"error\":" + quote("unknown flag '" + f + "'") + "}";
            }
        }
        try {
            Pattern.compile(pattern, bits);
            return "{\"ok\":true}";
        } catch (PatternSyntaxException e) {
            // getMessage() repeats the pattern with a caret line; the
            // description and index are the useful part.
            return "{\"ok\":false,\"error\":"
                    + quote("PatternSyntaxException: " + e.getDescription() + " near index " + e.getIndex())
                    + "}";
        } catch (Throwable e) {
            // StackOverflowError on deep nesting, IllegalArgumentException, ...
            return "{\"ok\":false,\"error\":" + quote(e.getClass().getName() + ": " + e.getMessage()) + "}";
        }
    }

    /** A JSON string literal, ASCII only. */
    static String quote(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2);
        b.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': b.append("\\\""); break;
                case '\\': b.append("\\\\"); break;
                case '\n': b.append("\\n"); break;
                case '\r': b.append("\\r"); break;
                case '\t': b.append("\\t"); break;
                default:
                    if (c < 0x20 || c > 0x7e) {
                        b.append(String.format("\\u%04x", (int) c));
                    } else {
                        b.append(c);
                    }
            }
        }
        return b.append('"').toString();
    }

    /** Just enough JSON for {"key": "string", ...}. */
    static final class Json {
        private final String s;
        private int i;

        Json(String s) {
            this.s = s;
        }

        Map<String, String> object() {
            Map<String, String> m = new HashMap<>();
            ws();
            expect('{');
            ws();
            if (peek() == '}') {
                i++;
            } else {
                while (true) {
                    ws();
                    String key = string();
                    ws();
                    expect(':');
                    ws();
                    String value = value();
                    m.put(key, value);
                    ws();
                    char c = next();
                    if (c == '}') {
                        break;
                    }
                    if (c != ',') {
                        throw error("expected ',' or '}'");
                    }
                }
            }
            ws();
            if (i != s.length()) {
                throw error("trailing characters");
            }
            return m;
        }

        /** A string value, or null for null/true/false/numbers. */
        private String value() {
            char c = peek();
            if (c == '"') {
                return string();
            }
            if (s.startsWith("null", i)) {
                i += 4;
                return null;
            }
            if (s.startsWith("true", i)) {
                i += 4;
                return null;
            }
            if (s.startsWith("false", i)) {
                i += 5;
                return null;
            }
            if (c == '-' || (c >= '0' && c <= '9')) {
                while (i < s.length() && "+-.eE0123456789".indexOf(s.charAt(i)) >= 0) {
                    i++;
                }
                return null;
            }
            throw error("unsupported value");
        }

        private String string() {
            expect('"');
            StringBuilder b = new StringBuilder();
            while (true) {
                char c = next();
                if (c == '"') {
                    return b.toString();
                }
                if (c == '\\') {
                    char e = next();
                    switch (e) {
                        case '"': b.append('"'); break;
                        case '\\': b.append('\\'); break;
                        case '/': b.append('/'); break;
                        case 'b': b.append('\b'); break;
                        case 'f': b.append('\f'); break;
                        case 'n': b.append('\n'); break;
                        case 'r': b.append('\r'); break;
                        case 't': b.append('\t'); break;
                        case 'u': {
                            if (i + 4 > s.length()) {
                                throw error("short \\u escape");
                            }
                            int v = 0;
                            for (int k = 0; k < 4; k++) {
                                int d = Character.digit(s.charAt(i + k), 16);
                                if (d < 0) {
                                    throw error("bad \\u escape");
                                }
                                v = v * 16 + d;
                            }
                            i += 4;
                            // Surrogate pairs arrive as two escapes and are
                            // joined by Java's UTF-16 strings as they are.
                            b.append((char) v);
                            break;
                        }
                        default:
                            throw error("bad escape \\" + e);
                    }
                } else if (c < 0x20) {
                    throw error("raw control character in string");
                } else {
                    b.append(c);
                }
            }
        }

        private void ws() {
            while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
                i++;
            }
        }

        private char peek() {
            if (i >= s.length()) {
                throw error("unexpected end of input");
            }
            return s.charAt(i);
        }

        private char next() {
            char c = peek();
            i++;
            return c;
        }

        private void expect(char c) {
            if (next() != c) {
                i--;
                throw error("expected '" + c + "'");
            }
        }

        private IllegalArgumentException error(String what) {
            return new IllegalArgumentException("bad JSON at column " + i + ": " + what);
        }
    }
}
