import java.lang.reflect.*;
import java.nio.file.*;
import java.util.*;
public class Blocks {
  public static void main(String[] a) throws Exception {
    TreeSet<String> ok = new TreeSet<>();
    List<String> cands = new ArrayList<>();
    for (Field f : Character.UnicodeBlock.class.getFields())
      if (f.getType() == Character.UnicodeBlock.class) cands.add(f.getName());
    for (String line : Files.readAllLines(Paths.get(a[0]))) {
      if (line.startsWith("#") || !line.contains(";")) continue;
      String n = line.split(";")[1].trim();
      cands.add(n); cands.add(n.replace(" ", ""));
    }
    for (String c : cands) {
      try { Character.UnicodeBlock.forName(c); ok.add(c.toLowerCase()); } catch (Exception e) {}
    }
    TreeSet<String> scripts = new TreeSet<>();
    for (Character.UnicodeScript s : Character.UnicodeScript.values()) scripts.add(s.name().toLowerCase());
    System.out.println(String.join("\n", ok));
    System.out.println("--");
    System.out.println(String.join("\n", scripts));
  }
}
