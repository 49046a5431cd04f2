package io.jdib.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jdib cache list|prune} on a throwaway cache holding one base tree and one package directory. */
class CacheCommandTest {
    @TempDir
    Path cache;

    record Run(int code, String out, String err) {}

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = Main.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
        return new Run(code, out.toString(), err.toString());
    }

    private void fill(Duration unused) throws Exception {
        Path base = cache.resolve("debian-minimal/trixie-amd64-0123456789ab.tar");
        Path debs = cache.resolve("apt/trixie-amd64");
        Files.createDirectories(base.getParent());
        Files.createDirectories(debs);
        Files.write(base, new byte[3 << 20]);
        Files.write(debs.resolve("curl.deb"), new byte[1 << 20]);
        FileTime then = FileTime.from(Instant.now().minus(unused));
        for (Path p : new Path[] {base, debs, debs.resolve("curl.deb")}) {
            Files.setLastModifiedTime(p, then);
        }
        Files.setAttribute(base, "lastAccessTime", then);
    }

    @Test
    void listShowsEachEntryWithSizeAndAge() throws Exception {
        fill(Duration.ofHours(5));
        Run r = run("cache", "list", "--image-cache", cache.toString());
        assertThat(r.code()).isZero();
        assertThat(r.out())
                .containsPattern("base tree +3\\.0 MiB +5h 0m +Debian bootstrap trixie-amd64-0123456789ab\\.tar")
                .containsPattern("packages +1\\.0 MiB +5h 0m +downloaded packages for trixie-amd64")
                .contains("total 4.0 MiB in 2 entries under " + cache);
    }

    @Test
    void pruneKeepsWhatIsYoungerThanItsMinimumAgeAndDryRunRemovesNothing() throws Exception {
        fill(Duration.ofHours(5));
        Run kept = run("cache", "prune", "--image-cache", cache.toString());
        assertThat(kept.code()).isZero();
        assertThat(kept.out()).contains("freed 0.0 MiB, kept 4.0 MiB").contains("within its minimum age");

        Run dry = run("cache", "prune", "--min-age", "1h", "--dry-run", "--image-cache", cache.toString());
        assertThat(dry.out()).containsPattern("would remove +base tree").contains("would free 4.0 MiB");
        assertThat(cache.resolve("apt/trixie-amd64")).exists();

        Run capped = run("cache", "prune", "--max-size", "2M", "--image-cache", cache.toString());
        // Both were used at the same time; the cap removes until the rest fits in 2 MiB.
        assertThat(capped.out()).contains("over --max-size");
        assertThat(capped.out()).containsPattern("removed +base tree");
    }

    @Test
    void aBadAgeIsOneLineThatSaysWhatToGive() {
        Run r = run("cache", "prune", "--min-age", "yesterday", "--image-cache", cache.toString());
        assertThat(r.code()).isEqualTo(1);
        assertThat(r.err().strip())
                .doesNotContain("\n")
                .contains("--min-age 'yesterday'")
                .contains("7d");
    }
}
