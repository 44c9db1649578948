import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * The floor for bench/submit-bench.sh: N files of 200 bytes, each written to a temp name and
 * renamed into place with NO fsync. Prints files per second of the loop alone.
 * Usage: java bench/RenameFloor.java DIR N
 */
public class RenameFloor {
  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int n = Integer.parseInt(args[1]);
    Path tmp = Files.createDirectories(dir.resolve("tmp"));
    Path out = Files.createDirectories(dir.resolve("pending"));
    byte[] data = new byte[200];
    Arrays.fill(data, (byte) 'x');
    long t0 = System.nanoTime();
    for (int i = 0; i < n; i++) {
      Path t = tmp.resolve(".f" + i + ".tmp");
      Files.write(t, data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
      Files.move(t, out.resolve("f" + i + ".json"), StandardCopyOption.ATOMIC_MOVE);
    }
    double s = (System.nanoTime() - t0) / 1e9;
    System.out.println(Math.round(n / s));
  }
}
