package io.jdib.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.testing.HostState;
import io.jdib.testing.JdibProcess;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * DIB's element contract, built for real once: debian-minimal plus the contract-test fixture
 * element, whose hooks record what they saw in every phase into /contract/ of the image (a tar).
 * The misuse tests fail before anything is bootstrapped.
 */
@Tag("integration")
class ElementContractIT {
    @TempDir
    static Path dir;

    static Path out;
    static Path work;
    static JdibProcess.Result build;

    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("ELEMENTS_PATH", JdibProcess.testElements().toString());
        env.put("JDIB_WORK_DIR", work.toString());
        env.put("DIB_RELEASE", "bookworm");
        return env;
    }

    @BeforeAll
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    static void build() {
        out = dir.resolve("out");
        work = dir.resolve("work");
        Map<String, String> env = env();
        env.put("break", "after-pre-install");
        env.put("DIB_IMAGE_EXTRA_SIZE", "7");
        env.put("DIB_SHOW_IMAGE_USAGE", "1");
        try {
            Files.createDirectories(out);
            Files.writeString(out.resolve("ct.tar"), "an older image\n"); // kept under a dated name, as DIB does
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        build = JdibProcess.run(
                Duration.ofMinutes(25),
                env,
                "disk-image-create",
                "-o",
                out.resolve("ct.tar").toString(),
                "-t",
                "tar",
                "debian-minimal",
                "contract-test");
        assertThat(build.exitCode()).as(build.output()).isZero();
    }

    private static String tarFile(String member) {
        return HostState.run(
                "tar",
                "--extract",
                "--to-stdout",
                "--file",
                out.resolve("ct.tar").toString(),
                "./contract/" + member);
    }

    private static Map<String, String> recorded(String phase) {
        Map<String, String> vars = new HashMap<>();
        for (String line : tarFile(phase + ".env").lines().toList()) {
            int eq = line.indexOf('=');
            vars.put(line.substring(0, eq), line.substring(eq + 1));
        }
        return vars;
    }

    @Test
    @Timeout(60)
    void everyPhaseInsideAndOutsideSeesDibsEnvironment() {
        for (String phase : List.of(
                "root",
                "extra-data",
                "pre-install",
                "install",
                "post-install",
                "post-root",
                "block-device",
                "pre-finalise",
                "finalise",
                "cleanup")) {
            Map<String, String> v = recorded(phase);
            assertThat(v)
                    .as(phase)
                    .containsEntry("DIB_DEFAULT_INSTALLTYPE", "source")
                    .containsEntry("DIB_CHECKSUM", "0")
                    .containsEntry("DIB_MIN_TMPFS", "2")
                    .containsEntry("DIB_IMAGE_EXTRA_SIZE", "7")
                    .containsEntry("DIB_MOUNTPOINTS", "/")
                    .containsEntry("DIB_MANIFEST_IMAGE_DIR", "/etc/dib-manifests")
                    .containsEntry("DIB_MANIFEST_SAVE_DIR", out.resolve("ct").toString() + ".d/")
                    .containsEntry("LC_ALL", "C")
                    .containsEntry("ARCH", "amd64")
                    .containsEntry("IMAGE_NAME", out.resolve("ct").toString())
                    .containsEntry("DIB_ARGS", "-o " + out.resolve("ct.tar") + " -t tar debian-minimal contract-test")
                    .containsEntry("DIB_BOOT_LABEL", "")
                    .containsEntry("DIB_ROOT_LABEL", "cloudimg-rootfs")
                    .containsEntry("CONTRACT_TEST_FROM_ENVIRONMENT_D", "yes")
                    .containsEntry("DISTRO_NAME", "debian")
                    .containsEntry("DIB_ENV_HAS_RELEASE", "1")
                    .containsEntry(
                            "ELEMENT_ARRAY_CONTRACT_TEST",
                            JdibProcess.testElements().resolve("contract-test").toString())
                    .containsKey("DIB_NO_TMPFS");
            assertThat(Integer.parseInt(v.get("ELEMENT_ARRAY_SIZE"))).as(phase).isGreaterThan(5);
            assertThat(v.get("DIB_PYTHON_EXEC")).as(phase).endsWith("python3");
            assertThat(v.get("DIB_BLOCK_DEVICE_PARAMS_YAML")).as(phase).endsWith("/block-device/params.yaml");
        }
        assertThat(recorded("install")).containsEntry("TMP_HOOKS_PATH", "/tmp/in_target.d");
        assertThat(recorded("root").get("TMP_HOOKS_PATH")).startsWith(work.toString());
    }

    @Test
    @Timeout(60)
    void outsideHooksHaveLibFunctionsSudoAndDibRunParts() {
        assertThat(tarFile("run_in_target")).isEqualTo("inside-12\n");
        assertThat(tarFile("select_boot_kernel_initrd"))
                .isEqualTo("vmlinuz-6.1.0-10-amd64 initrd.img-6.1.0-10-amd64\n");
        assertThat(tarFile("sudo")).isEqualTo("kept 0\n");
        assertThat(tarFile("dib-run-parts")).contains("90-contract-post-root\n91-contract-lib\n");
        assertThat(tarFile("img-defaults")).isEqualTo("ext4 tar\n");
        assertThat(tarFile("die")).isEqualTo("contract die message\n1\n");
    }

    @Test
    @Timeout(60)
    void pkgMapInTheChrootHasDibsCliAndExitCodes() {
        assertThat(tarFile("pkg-map"))
                .isEqualTo(String.join(
                        "\n",
                        "less",
                        "nano", // family debian; "" drops contract-dropped; release bookworm
                        "P:less", // --prefix
                        "more", // --distro fedora: only the default applies
                        "unmapped-name", // --missing-ok passes it through
                        "unmapped exit 1",
                        "no map exit 2",
                        "less",
                        "")); // install-packages -m installed the mapped name
        assertThat(tarFile("pkg-map.err"))
                .contains("contract-test has no valid mapping for package unmapped-name")
                .contains("Required pkg-map for no-such-element");
        assertThat(HostState.run(
                        "tar", "--list", "--file", out.resolve("ct.tar").toString()))
                .contains("./usr/share/pkg-map/contract-test");
    }

    @Test
    @Timeout(60)
    void installTypesPythonHooksAndBreakWithoutATerminal() {
        assertThat(tarFile("install-type")).isEqualTo("source\n");
        assertThat(tarFile("python-hook")).isEqualTo("python saw contract-test\n");
        assertThat(build.output())
                .contains("break=after-pre-install: no terminal attached, so no debug shell; going on");
    }

    @Test
    @Timeout(60)
    void showImageUsageReportsTheLargestEntries() {
        assertThat(build.output())
                .contains("image size report (entries of 10 MiB and more):")
                .containsPattern("\\d+(\\.\\d)?[MG]iB /usr\\n");
    }

    @Test
    @Timeout(60)
    void svcMapDibPythonAndInitScripts() {
        assertThat(tarFile("svc-map")).isEqualTo("apache2\nmariadb\ncontract-plain\nunknown-svc\n");
        assertThat(tarFile("dib-python")).isEqualTo("dib-python 3\n");
        String list =
                HostState.run("tar", "--list", "--file", out.resolve("ct.tar").toString());
        assertThat(list)
                .contains(
                        "./usr/share/svc-map/services",
                        "./usr/lib/systemd/system/contract-test.service",
                        "./etc/systemd/system/multi-user.target.wants/contract-test.service")
                .doesNotContain("./usr/local/bin/dib-python");
    }

    @Test
    @Timeout(60)
    void nothingLeftBehind() throws Exception {
        assertThat(HostState.mountsUnder(work)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
        assertThat(HostState.buildDirs(work)).isEmpty();
        try (var files = Files.list(out)) {
            assertThat(files.map(p -> p.getFileName().toString()))
                    .hasSize(3)
                    .contains("ct.tar", "ct.d")
                    .anyMatch(n -> n.matches("ct-\\d{4}\\.\\d\\d\\.\\d\\d-\\d\\d\\.\\d\\d\\.\\d\\d\\.tar"));
        }
    }

    @Test
    @Timeout(60)
    void dibEnvironmentManifestIsDeclareLinesAShellCanSource() throws Exception {
        Path manifest = out.resolve("ct.d/dib_environment");
        assertThat(Files.readString(manifest))
                .contains("declare -x DIB_RELEASE=\"bookworm\"\n")
                .doesNotContain("DIB_ENV=");
        assertThat(HostState.run("bash", "-c", "set -eu; source \"$0\"; echo \"$DIB_RELEASE\"", manifest.toString()))
                .isEqualTo("bookworm\n");
    }

    @Test
    @Timeout(60)
    void resolvConfOrigWrittenByAHookIsTheImagesResolvConf() {
        assertThat(HostState.run(
                        "tar",
                        "--extract",
                        "--to-stdout",
                        "--file",
                        out.resolve("ct.tar").toString(),
                        "./etc/resolv.conf"))
                .isEqualTo("nameserver 192.0.2.53\n");
        assertThat(HostState.run(
                        "tar", "--list", "--file", out.resolve("ct.tar").toString()))
                .doesNotContain("./etc/resolv.conf.ORIG");
    }

    @Test
    @Timeout(60)
    void anOlderImageIsKeptUnderADatedName() throws Exception {
        try (var files = Files.list(out)) {
            Path old = files.filter(p -> p.getFileName().toString().startsWith("ct-"))
                    .findFirst()
                    .orElseThrow();
            assertThat(Files.readString(old)).isEqualTo("an older image\n");
        }
        assertThat(build.output()).contains("old image found: kept as " + out.resolve("ct-"));
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aBreakPointThatDoesNotExistIsOneClearLine() {
        Map<String, String> env = env();
        env.put("break", "after-pre-install,before-nonsense");
        JdibProcess.Result r = JdibProcess.run(
                Duration.ofMinutes(4),
                env,
                "disk-image-create",
                "-o",
                dir.resolve("bad/x").toString(),
                "-t",
                "tar",
                "debian-minimal",
                "contract-test");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output())
                .contains("error: break=after-pre-install,before-nonsense: there is no break point "
                        + "'before-nonsense'; use before-root,")
                .doesNotContain("==> root.d");
        assertThat(HostState.mountsUnder(work)).isEmpty();
        assertThat(Files.exists(dir.resolve("bad"))).isFalse();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void anInstallTypeNoElementProvidesNamesTheElement() {
        Map<String, String> env = env();
        env.put("DIB_INSTALLTYPE_contract", "git");
        JdibProcess.Result r = JdibProcess.run(
                Duration.ofMinutes(4),
                env,
                "disk-image-create",
                "-o",
                dir.resolve("bad/y").toString(),
                "-t",
                "tar",
                "debian-minimal",
                "contract-test");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output())
                .contains("error: element contract-test: DIB_INSTALLTYPE_contract=git but its install.d/"
                        + " has only contract-package-install, contract-source-install; set DIB_INSTALLTYPE_contract to one of"
                        + " package, source")
                .doesNotContain("==> root.d");
        assertThat(HostState.mountsUnder(work)).isEmpty();
        assertThat(HostState.buildDirs(work)).isEmpty();
    }
}
