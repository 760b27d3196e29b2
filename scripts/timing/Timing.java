// Times java.util.regex on attack strings of growing size.
//
//   java scripts/timing/Timing.java CASES
//
// CASES has one case per line, tab-separated, every text field as UTF-16
// code units in hex (4 digits each, so any string survives, lone surrogates
// included):
//   id  mode(full|search)  flags  pattern  suffix  prefix1  pump1  [prefix2  pump2 ...]
// The attack for repeat k is prefix1 pump1^k prefix2 pump2^k ... suffix.
// For each case it prints lines `id <TAB> k <TAB> length <TAB> ms <TAB> result`
// with k growing until one match takes over LIMIT_MS, times out (TIMEOUT_MS,
// through a CharSequence that checks the clock) or the text is over MAX_LEN.
import java.nio.file.*;
import java.util.*;
import java.util.regex.*;

public class Timing {
    // TIMING_LIMIT_MS overrides the per-match stop (default 300 ms).
    static final long LIMIT_MS = Long.parseLong(System.getenv().getOrDefault("TIMING_LIMIT_MS", "300"));
    static final long TIMEOUT_MS = Math.max(3000, 3 * LIMIT_MS);
    static final int MAX_LEN = 2_000_000;

    static final class Timeout extends RuntimeException {
        Timeout() { super(null, null, false, false); }
    }

    // A CharSequence that throws once its deadline has passed.
    static final class Clocked implements CharSequence {
        final String s; final long deadline; int n;
        Clocked(String s, long deadline) { this.s = s; this.deadline = deadline; }
        public char charAt(int i) {
            if ((++n & 0xfff) == 0 && System.nanoTime() > deadline) throw new Timeout();
            return s.charAt(i);
        }
        public int length() { return s.length(); }
        public CharSequence subSequence(int a, int b) { return new Clocked(s.substring(a, b), deadline); }
        public String toString() { return s; }
    }

    static String unhex(String h) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i + 4 <= h.length(); i += 4) b.append((char) Integer.parseInt(h.substring(i, i + 4), 16));
        return b.toString();
    }

    static int flags(String f) {
        int r = 0;
        for (char c : f.toCharArray()) {
            switch (c) {
                case 'i': r |= Pattern.CASE_INSENSITIVE; break;
                case 'm': r |= Pattern.MULTILINE; break;
                case 's': r |= Pattern.DOTALL; break;
                case 'x': r |= Pattern.COMMENTS; break;
                case 'u': r |= Pattern.UNICODE_CASE; break;
                case 'U': r |= Pattern.UNICODE_CHARACTER_CLASS; break;
                case 'd': r |= Pattern.UNIX_LINES; break;
                default: break;
            }
        }
        return r;
    }

    public static void main(String[] args) throws Exception {
        for (String line : Files.readAllLines(Paths.get(args[0]))) {
            if (line.isEmpty()) continue;
            String[] f = line.split("\t", -1);
            String id = f[0], mode = f[1];
            Pattern p;
            try {
                p = Pattern.compile(unhex(f[3]), flags(f[2]));
            } catch (PatternSyntaxException e) {
                System.out.println(id + "\t-\t-\t-\tcompile error: " + e.getDescription());
                continue;
            }
            String suffix = unhex(f[4]);
            List<String[]> pumps = new ArrayList<>();
            for (int i = 5; i + 1 < f.length; i += 2) pumps.add(new String[] {unhex(f[i]), unhex(f[i + 1])});
            int k = 1;
            while (true) {
                StringBuilder b = new StringBuilder();
                for (String[] pp : pumps) {
                    b.append(pp[0]);
                    for (int j = 0; j < k; j++) b.append(pp[1]);
                }
                b.append(suffix);
                String s = b.toString();
                // Best of a few runs (JIT warm-up), until 50 ms are spent.
                long best = Long.MAX_VALUE, spent = 0;
                String result = "";
                boolean timedOut = false;
                for (int rep = 0; rep < 5 && spent < 50_000_000L; rep++) {
                    long t0 = System.nanoTime();
                    try {
                        Matcher m = p.matcher(new Clocked(s, t0 + TIMEOUT_MS * 1_000_000L));
                        boolean ok = mode.equals("full") ? m.matches() : mode.equals("prefix") ? m.lookingAt() : m.find();
                        result = ok ? "match" : "no-match";
                    } catch (Timeout e) {
                        timedOut = true;
                    } catch (StackOverflowError e) {
                        result = "stack-overflow";
                    }
                    long dt = System.nanoTime() - t0;
                    spent += dt;
                    best = Math.min(best, dt);
                    if (timedOut) break;
                }
                double ms = best / 1e6;
                System.out.println(id + "\t" + k + "\t" + s.length() + "\t" + String.format("%.4f", ms) + "\t" + (timedOut ? "timeout" : result));
                System.out.flush();
                if (timedOut || ms > LIMIT_MS || s.length() > MAX_LEN || result.equals("stack-overflow")) break;
                k = ms < 1.0 ? k * 2 : Math.max(k + 1, k * 5 / 4);
            }
        }
    }
}
