package io.jdib.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.testing.HostState;
import io.jdib.testing.JdibProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * DIB's YAML front end for real: one file defining two debian-minimal tarballs (the first in two
 * entries, merged), built one after another by {@code jdib build}, each with only its own packages
 * and environment; and a file whose first image fails, with {@code --stop-on-failure}.
 */
@Tag("integration")
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class FrontendIT {
    @TempDir
    Path dir;

    private Map<String, String> env() {
        return Map.of("JDIB_WORK_DIR", dir.resolve("work").toString());
    }

    @Test
    void twoImagesFromOneFile() throws IOException {
        Path out = dir.resolve("out");
        Path yaml = Files.writeString(dir.resolve("images.yaml"), """
                - imagename: %1$s/with-less
                  types: [tar]
                  environment: {DIB_FRONTEND_FIXTURE: one}
                  elements: [debian-minimal]
                - imagename: %1$s/with-file
                  types: [tar]
                  packages: [file]
                  elements: [debian-minimal]
                - imagename: %1$s/with-less
                  packages: [less]
                """.formatted(out));

        JdibProcess.Result r = JdibProcess.run(Duration.ofMinutes(15), env(), "build", yaml.toString());

        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output())
                .contains("==> image 1 of 2: DIB_FRONTEND_FIXTURE=one disk-image-create -o " + out
                        + "/with-less -t tar -p less debian-minimal")
                .contains("==> image 2 of 2: disk-image-create -o " + out + "/with-file -t tar -p file debian-minimal")
                .containsPattern("/with-less  disk-image-create  built +[0-9.]+ s  with-less\\.tar\\n")
                .containsPattern("/with-file  disk-image-create  built +[0-9.]+ s  with-file\\.tar\\n")
                .contains("2 of 2 images built");

        String less = list(out.resolve("with-less.tar"));
        String file = list(out.resolve("with-file.tar"));
        assertThat(less).contains("./usr/bin/less\n").doesNotContain("./usr/bin/file\n");
        assertThat(file).contains("./usr/bin/file\n").doesNotContain("./usr/bin/less\n");
        assertThat(manifest(out.resolve("with-less.tar"))).contains("DIB_FRONTEND_FIXTURE=\"one\"");
        assertThat(manifest(out.resolve("with-file.tar"))).doesNotContain("DIB_FRONTEND_FIXTURE");
        assertThat(HostState.mountsUnder(dir)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
        assertThat(HostState.buildDirs(dir.resolve("work"))).isEmpty();
    }

    @Test
    void stopOnFailureBuildsNothingAfterTheFailedImage() throws IOException {
        Path yaml = Files.writeString(dir.resolve("images.yaml"), """
                - imagename: %1$s/broken
                  types: [tar]
                  elements: [debian-minimal, no-such-element]
                - imagename: %1$s/never
                  types: [tar]
                  elements: [debian-minimal]
                """.formatted(dir.resolve("out")));

        JdibProcess.Result r =
                JdibProcess.run(Duration.ofMinutes(5), env(), "build", "--stop-on-failure", yaml.toString());

        assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
        assertThat(r.output())
                .contains("error: element 'no-such-element' not found")
                .containsPattern("/broken  disk-image-create  FAILED +[0-9.]+ s  element 'no-such-element' not found")
                .containsPattern("/never   disk-image-create  skipped +-\\n")
                .contains("0 of 2 images built")
                .doesNotContain("==> image 2 of 2");
        assertThat(dir.resolve("out")).doesNotExist();
    }

    private static String list(Path tar) {
        return HostState.run("tar", "--list", "--file", tar.toString());
    }

    private static String manifest(Path tar) {
        return HostState.run(
                "tar", "--extract", "--to-stdout", "--file", tar.toString(), "./etc/dib-manifests/dib_environment");
    }
}
