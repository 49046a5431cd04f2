package io.jdib.build;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdib.element.Element;
import io.jdib.element.ElementResolution;
import io.jdib.sys.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DibEnvironmentTest {
    private static BuildSpec.Builder spec() {
        return BuildSpec.builder()
                .elements(List.of("debian-minimal"))
                .jdibHome(Path.of("/opt/jdib"))
                .imageName(Path.of("/out/img"))
                .arguments(List.of("-o", "/out/img", "debian-minimal"));
    }

    private static ElementResolution resolution() {
        return new ElementResolution(
                List.of(
                        new ElementResolution.Resolved(
                                new Element("base", Path.of("/e/base"), List.of(), List.of()), "implicit"),
                        new ElementResolution.Resolved(
                                new Element("my-el", Path.of("/e/my-el"), List.of(), List.of()), "cli")),
                Map.of());
    }

    @Test
    void dibDefaultsAreSetWhenNothingElseIs() {
        Map<String, String> env = new TreeMap<>(Map.of("DIB_RELEASE", "bookworm"));
        DibEnvironment.addDefaults(env, spec().build(), resolution(), "/usr/bin/python3");

        assertThat(env)
                .containsEntry("LC_ALL", "C")
                .containsEntry("DIB_DEFAULT_INSTALLTYPE", "source")
                .containsEntry("DIB_CHECKSUM", "0")
                .containsEntry("DIB_NO_TMPFS", "0")
                .containsEntry("DIB_MIN_TMPFS", "2")
                .containsEntry("DIB_IMAGE_EXTRA_SIZE", "")
                .containsEntry("DIB_PYTHON_EXEC", "/usr/bin/python3")
                .containsEntry("DIB_MANIFEST_IMAGE_DIR", "/etc/dib-manifests")
                .containsEntry("DIB_MANIFEST_SAVE_DIR", "/out/img.d/")
                .containsEntry("DIB_ARGS", "-o /out/img debian-minimal")
                .doesNotContainKey("DIB_IMAGE_SIZE");
        assertThat(env.get("DIB_ENV")).contains("declare -x DIB_RELEASE=\"bookworm\"");
    }

    @Test
    void optionsAndTheCallersEnvironmentWin() {
        Map<String, String> env = new TreeMap<>(
                Map.of("DIB_DEFAULT_INSTALLTYPE", "package", "DIB_CHECKSUM", "sha256", "DIB_PYTHON_EXEC", "/opt/py"));
        BuildSpec s = spec().useTmpfs(false)
                .minTmpfsGiB(5)
                .disk(new BuildSpec.DiskOptions("3", "100", null, null, null, null, null, false, false, null))
                .build();
        DibEnvironment.addDefaults(env, s, resolution(), "/usr/bin/python3");

        assertThat(env)
                .containsEntry("DIB_DEFAULT_INSTALLTYPE", "package")
                .containsEntry("DIB_CHECKSUM", "sha256")
                .containsEntry("DIB_NO_TMPFS", "1")
                .containsEntry("DIB_MIN_TMPFS", "5")
                .containsEntry("DIB_IMAGE_SIZE", "3")
                .containsEntry("DIB_IMAGE_EXTRA_SIZE", "100")
                .containsEntry("DIB_PYTHON_EXEC", "/opt/py");
        assertThat(DibEnvironment.checksum(null, true)).isEqualTo("1");
    }

    @Test
    void aChecksumValueDibDoesNotKnowIsAUserError() {
        assertThatThrownBy(() -> DibEnvironment.checksum("crc32", false))
                .isInstanceOf(UserError.class)
                .hasMessage("DIB_CHECKSUM=crc32 is not understood; use 0, 1, md5 or sha256");
    }

    @Test
    void dibEnvLeavesSecretsOut() {
        String declared = DibEnvironment.declare(
                Map.of("DIB_DEV_USER_PASSWORD", "hunter2", "DIB_A", "x \"y\" $z", "HOME", "/root"));
        assertThat(declared).isEqualTo("declare -x DIB_A=\"x \\\"y\\\" \\$z\"");
    }

    @Test
    void theElementArrayFunctionBuildsAnAssociativeArrayInBash(@TempDir Path dir) throws Exception {
        Map<String, String> env = new TreeMap<>();
        DibEnvironment.addDefaults(env, spec().build(), resolution(), "/usr/bin/python3");
        Path script = dir.resolve("t.sh");
        Files.writeString(
                script, "set -eu\neval declare -A a=($(get_image_element_array))\n" + "echo \"${#a[@]} ${a[base]}\"\n");
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().put(DibEnvironment.ELEMENT_ARRAY_FUNCTION, env.get(DibEnvironment.ELEMENT_ARRAY_FUNCTION));
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor()).as(out).isZero();
        assertThat(out).startsWith("2 /e/base").doesNotContain("error");
    }
}
