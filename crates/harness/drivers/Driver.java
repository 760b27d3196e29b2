// redoscope driver for java.util.regex. Compiled once with javac into a
// private cache directory and run as `java -cp <dir> Driver`; the protocol is
// documented in crates/harness/src/engines/process.rs. Every string travels
// as comma-separated lowercase hex code points, so nothing in a pattern or an
// input is ever interpreted as code or protocol.

import java.io.BufferedReader;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

public final class Driver {
    private static PrintStream out;

    private static String dec(String h) {
        if (h.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder(h.length() / 3 + 1);
        for (String p : h.split(",", -1)) {
            if (p.isEmpty() || p.length() > 6) {
                throw new IllegalArgumentException("bad code point");
            }
            for (int i = 0; i < p.length(); i++) {
                char c = p.charAt(i);
                if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                    throw new IllegalArgumentException("bad code point");
                }
            }
            int c = Integer.parseInt(p, 16);
            if (c > 0x10FFFF) {
                throw new IllegalArgumentException("code point out of range");
            }
            b.appendCodePoint(c);
        }
        return b.toString();
    }

    private static String enc(String s) {
        StringBuilder b = new StringBuilder(s.length() * 3);
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            if (i > 0) {
                b.append(',');
            }
            b.append(Integer.toHexString(c));
            i += Character.charCount(c);
        }
        return b.toString();
    }

    private static void say(String line) {
        out.print(line);
        out.print('\n');
        out.flush();
    }

    private static String field(String[] a, int i) {
        return i < a.length ? a[i] : "";
    }

    private static String message(Throwable e) {
        String m = e.getMessage();
        return m == null ? e.toString() : m;
    }

    public static void main(String[] args) throws Exception {
        out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, "US-ASCII");
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.ISO_8859_1));
        Pattern re = null;
        int mode = 0;
        say("ready\t" + System.getProperty("java.version"));
        String line;
        while ((line = in.readLine()) != null) {
            String[] a = line.split("\t", -1);
            switch (a[0]) {
                case "compile": {
                    re = null;
                    try {
                        String m = field(a, 1);
                        if (m.equals("search")) {
                            mode = 0;
                        } else if (m.equals("full")) {
                            mode = 1;
                        } else if (m.equals("prefix")) {
                            mode = 2;
                        } else {
                            throw new IllegalArgumentException("bad mode " + m);
                        }
                        int flags = 0;
                        for (char c : field(a, 2).toCharArray()) {
                            switch (c) {
                                case 'i': flags |= Pattern.CASE_INSENSITIVE; break;
                                case 'm': flags |= Pattern.MULTILINE; break;
                                case 's': flags |= Pattern.DOTALL; break;
                                case 'x': flags |= Pattern.COMMENTS; break;
                                case 'u': flags |= Pattern.UNICODE_CASE; break;
                                case 'U': flags |= Pattern.UNICODE_CHARACTER_CLASS; break;
                                case 'd': flags |= Pattern.UNIX_LINES; break;
                                default: throw new IllegalArgumentException("unknown flag " + c);
                            }
                        }
                        String p = dec(field(a, 3));
                        re = Pattern.compile(p, flags);
                        say("ok\t" + enc(p));
                    } catch (Throwable e) {
                        re = null;
                        if (e instanceof StackOverflowError || e instanceof OutOfMemoryError) {
                            say("error\t" + enc("pattern too large to compile: " + e));
                        } else {
                            say("error\t" + enc(message(e)));
                        }
                    }
                    break;
                }
                case "run": {
                    if (re == null) {
                        say("fail\t" + enc("no pattern compiled"));
                        break;
                    }
                    String s;
                    try {
                        s = dec(field(a, 2));
                    } catch (Throwable e) {
                        say("fail\t" + enc(message(e)));
                        break;
                    }
                    Matcher m = re.matcher(s);
                    say("start");
                    long t0 = System.nanoTime();
                    boolean ok;
                    try {
                        ok = mode == 0 ? m.find() : mode == 1 ? m.matches() : m.lookingAt();
                    } catch (StackOverflowError | OutOfMemoryError e) {
                        long ns = System.nanoTime() - t0;
                        m = null;
                        say("limit\tmemory\t" + ns);
                        break;
                    } catch (Throwable e) {
                        say("fail\t" + enc(message(e)));
                        break;
                    }
                    long ns = System.nanoTime() - t0;
                    say("done\t" + (ok ? 1 : 0) + "\t" + ns);
                    break;
                }
                case "echo": {
                    try {
                        say("echo\t" + enc(dec(field(a, 1))) + "\t" + enc(dec(field(a, 2))));
                    } catch (Throwable e) {
                        say("fail\t" + enc(message(e)));
                    }
                    break;
                }
                default:
                    say("fail\t" + enc("unknown command"));
            }
        }
    }
}
