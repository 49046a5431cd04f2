package io.jdib.integration;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.jdib.testing.HostState;
import io.jdib.testing.JdibProcess;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * DIB's element contract, built for real once: debian-minimal plus the contract-test fixture
 * element, whose hooks record what they saw in every phase into /contract/ of the image (a tar).
 * The misuse tests fail before anything is bootstrapped. The fixture's source-repository files
 * fetch from a git repository, a tar archive (over HTTP on 127.0.0.1 and from a path) and a file
 * that {@link #sources()} makes.
 */
@Tag("integration")
class ElementContractIT {
    @TempDir
    static Path dir;

    static Path out;
    static Path work;
    static JdibProcess.Result build;
    static HttpServer server;
    static final AtomicInteger tarDownloads = new AtomicInteger();
    static String gitUrl;
    static String featureSha;
    static String masterSha;

    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("ELEMENTS_PATH", JdibProcess.testElements().toString());
        env.put("JDIB_WORK_DIR", work.toString());
        env.put("DIB_RELEASE", "bookworm");
        // What the contract-test source-repository files read (their lines are expanded by the shell).
        env.put("CONTRACT_GIT_REPO", gitUrl);
        env.put("CONTRACT_TAR_URL", "http://127.0.0.1:" + server.getAddress().getPort() + "/src.tar.gz");
        env.put("CONTRACT_TAR_PATH", dir.resolve("sources/src.tar.gz").toString());
        env.put("DIB_REPOREF_contract_git", "feature");
        env.put("DIB_INSTALLTYPE_contract_skipped", "package");
        env.put(
                "DIB_REPOLOCATION_contract_file",
                dir.resolve("sources/file.txt").toString());
        env.put("DIB_GITREPOBASE", "file://" + dir.resolve("sources") + "/");
        return env;
    }

    /** A git repository (master and feature branches), a tar archive served over HTTP, and a file. */
    static void sources() throws IOException {
        Path src = dir.resolve("sources");
        Files.createDirectories(src);
        String made = HostState.run(
                "bash",
                "-euc",
                String.join(
                        "\n",
                        "cd \"$0\"",
                        "git init -q --bare -b master repo.git",
                        "git clone -q repo.git w 2>/dev/null",
                        "cd w",
                        "g() { git -c user.name=t -c user.email=t@example.com \"$@\"; }",
                        "echo master > README && git add README && g commit -qm master && git push -q origin HEAD:master",
                        "git checkout -q -b feature && echo feature > README && g commit -qam feature",
                        "git push -q origin feature",
                        "cd .. && mkdir -p arc/top/sub && echo b > arc/top/b.txt && echo a > arc/top/sub/a.txt",
                        "tar -C arc -czf src.tar.gz top && echo contract-file > file.txt",
                        "git -C repo.git rev-parse feature master"),
                src.toString());
        List<String> shas = made.strip().lines().toList();
        assertThat(shas).as(made).hasSize(2).allMatch(sha -> sha.matches("[0-9a-f]{40}"));
        featureSha = shas.get(0);
        masterSha = shas.get(1);
        gitUrl = "file://" + src.resolve("repo.git");
        byte[] tar = Files.readAllBytes(src.resolve("src.tar.gz"));
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/src.tar.gz", exchange -> {
            tarDownloads.incrementAndGet();
            exchange.sendResponseHeaders(200, tar.length);
            try (var body = exchange.getResponseBody()) {
                body.write(tar);
            }
        });
        server.start();
    }

    @AfterAll
    static void stopServerAndForgetTheCachedSources() throws IOException {
        if (server != null) {
            server.stop(0);
        }
        // The fixture's sources live in this run's temporary directory: their cache entries are of no use later.
        String cache = System.getProperty("jdib.it.cache");
        Path sources = cache == null ? null : Path.of(cache, "source-repositories");
        if (sources != null && Files.isDirectory(sources)) {
            try (var entries = Files.list(sources)) {
                for (Path entry : entries.filter(p -> p.getFileName().toString().startsWith("contract_"))
                        .toList()) {
                    HostState.run("rm", "-rf", entry.toString());
                }
            }
        }
    }

    @BeforeAll
    @Timeout(value = 30, unit = TimeUnit.MINUTES)
    static void build() {
        out = dir.resolve("out");
        work = dir.resolve("work");
        try {
            sources();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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

    /** A file of the image (a tar member such as {@code ./etc/hostname}). */
    private static String imageFile(String member) {
        return HostState.run(
                "tar",
                "--extract",
                "--to-stdout",
                "--file",
                out.resolve("ct.tar").toString(),
                member);
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
    @Timeout(60)
    void sourceRepositoriesFetchGitTarAndFileIntoTheImage() throws Exception {
        // git: DIB_REPOREF_contract_git chose the branch "feature" over the file's master.
        assertThat(imageFile("./opt/contract/git/README")).isEqualTo("feature\n");
        assertThat(imageFile("./opt/contract/git/.git/HEAD")).isEqualTo("ref: refs/heads/feature\n");
        // ref *: every branch, the default one checked out; DIB_GITREPOBASE gave the location.
        assertThat(imageFile("./opt/contract/git-all/README")).isEqualTo("master\n");
        assertThat(imageFile("./opt/contract/git-all/.git/refs/heads/feature")).isEqualTo(featureSha + "\n");
        assertThat(imageFile("./etc/dib-manifests/dib-manifest-git-ct").lines())
                .containsExactly(
                        "contract-git git /opt/contract/git " + gitUrl + " " + featureSha,
                        "contract-git-all git /opt/contract/git-all " + gitUrl + " " + masterSha);
        // tar over HTTP, whole (.) and one directory; from a path with the default ref (*).
        assertThat(imageFile("./opt/contract/tar/top/sub/a.txt")).isEqualTo("a\n");
        assertThat(imageFile("./opt/contract/tar-sub/a.txt")).isEqualTo("a\n");
        assertThat(imageFile("./opt/contract/tar-star/b.txt")).isEqualTo("b\n");
        assertThat(imageFile("./opt/contract/tar-star/sub/a.txt")).isEqualTo("a\n");
        assertThat(tarDownloads.get()).isPositive();
        // file: DIB_REPOLOCATION_contract_file replaced the location.
        assertThat(imageFile("./opt/contract/file.txt")).isEqualTo("contract-file\n");
        assertThat(imageFile("./etc/dib-source-repositories").lines())
                .containsExactlyInAnyOrder(
                        "/opt/contract/git",
                        "/opt/contract/git-all",
                        "/opt/contract/tar",
                        "/opt/contract/tar-sub",
                        "/opt/contract/tar-star",
                        "/opt/contract/file.txt");
        String list =
                HostState.run("tar", "--list", "--file", out.resolve("ct.tar").toString());
        assertThat(list).contains("./usr/bin/git\n").doesNotContain("./opt/contract/skipped");
        assertThat(build.output())
                .contains("source-repositories: contract-skipped: install type package, not fetched")
                .contains("source-repositories: contract-pkg: type package, installed from packages, not fetched");
        // Cached under the image cache, by DIB's names.
        Path cache = Path.of(System.getProperty("jdib.it.cache"), "source-repositories");
        try (var entries = Files.list(cache)) {
            assertThat(entries.map(p -> p.getFileName().toString()))
                    .anyMatch(n -> n.matches("contract_git_[0-9a-f]{40}"))
                    .anyMatch(n -> n.matches("contract_tar_[0-9a-f]{40}"))
                    .anyMatch(n -> n.matches("contract_file_[0-9a-f]{40}"));
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void offlineBuildsUseTheCachedSourcesAndSayWhatIsMissing() {
        Map<String, String> env = env();
        env.put("DIB_OFFLINE", "1");
        env.put(
                "DIB_REPOLOCATION_contract_git",
                dir.resolve("sources/never-cached.git").toString());
        JdibProcess.Result r = JdibProcess.run(
                Duration.ofMinutes(4),
                env,
                "disk-image-create",
                "-o",
                dir.resolve("offline/x").toString(),
                "-t",
                "tar",
                "debian-minimal",
                "contract-test");
        assertThat(r.exitCode()).isNotZero();
        // The archives and the file came from the cache (listed before the git file); the git
        // location never fetched is one line naming element, file and line.
        assertThat(r.output())
                .contains("source-repositories: contract-file: file ")
                .contains("source-repositories: element contract-test, file source-repository-contract-git, line 2:"
                        + " DIB_OFFLINE is set and " + dir.resolve("sources/never-cached.git")
                        + " is not in the cache");
        assertThat(HostState.mountsUnder(work)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
        assertThat(HostState.buildDirs(work)).isEmpty();
        assertThat(Files.exists(dir.resolve("offline/x.tar"))).isFalse();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aSourceRepositoryThatCannotBeFetchedIsOneLineNamingElementAndFile() {
        Map<String, String> env = env();
        env.put(
                "DIB_REPOLOCATION_contract_git",
                dir.resolve("sources/no-such-repo.git").toString());
        JdibProcess.Result r = JdibProcess.run(
                Duration.ofMinutes(4),
                env,
                "disk-image-create",
                "-o",
                dir.resolve("unfetchable/x").toString(),
                "-t",
                "tar",
                "debian-minimal",
                "contract-test");
        assertThat(r.exitCode()).isNotZero();
        assertThat(r.output())
                .contains("source-repositories: element contract-test, file source-repository-contract-git, line 2:"
                        + " cannot clone " + dir.resolve("sources/no-such-repo.git") + ": fatal: ")
                .contains("hook failed: element source-repositories, phase extra-data.d, script"
                        + " 98-source-repositories exited with code 1")
                .doesNotContain("==> pre-install.d");
        assertThat(HostState.mountsUnder(work)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
        assertThat(HostState.buildDirs(work)).isEmpty();
        assertThat(Files.exists(dir.resolve("unfetchable/x.tar"))).isFalse();
    }

    @Test
    @Timeout(60)
    void dibsJsonDpkgManifestIsWrittenWhereDibWritesIt() throws Exception {
        Path json = out.resolve("ct.d/dib-manifests/dib-manifest-dpkg-ct");
        JsonNode packages = new ObjectMapper().readTree(json.toFile()).get("packages");
        assertThat(packages.size()).isGreaterThan(50);
        List<String> git = new ArrayList<>();
        for (JsonNode p : packages) {
            assertThat(p.fieldNames()).toIterable().containsExactly("package", "arch", "version", "status");
            if (p.get("package").asText().equals("git")) {
                git.add(p.get("arch").asText() + " " + p.get("status").asText());
            }
        }
        assertThat(git).containsExactly("amd64 ii ");
        assertThat(imageFile("./etc/dib-manifests/dib-manifest-dpkg-ct")).isEqualTo(Files.readString(json));
        // jdib's own places stay: the plain table, and the manifests at the top of ct.d/.
        assertThat(out.resolve("ct.d/dib-manifest-dpkg")).isRegularFile();
        assertThat(out.resolve("ct.d/dib_arguments")).isRegularFile();
        assertThat(Files.readString(out.resolve("ct.d/dib-manifests/dib_arguments")))
                .isEqualTo(Files.readString(out.resolve("ct.d/dib_arguments")));
    }

    @Test
    @Timeout(60)
    void ramdiskFunctionsAssembleARamdiskTree() {
        assertThat(tarFile("ramdisk-functions"))
                .isEqualTo("/etc/hosts\n/srv/x\n6.1.0-10-amd64\nRAMDISK_ELEMENT=ramdisk\n");
        assertThat(tarFile("ramdisk-cpio").lines())
                .contains(
                        "bin/bash", // a real program stays
                        "bin/sh", // a busybox applet is linked
                        "sbin",
                        "lib/libc.so.6", // copy_required_libs
                        "lib64/ld-linux-x86-64.so.2",
                        "lib/udev/rules.d/90-contract.rules", // populate_udev
                        "etc/modprobe.d/blacklist-dib-ramdisk.conf", // create_ramdisk_base
                        "etc/fstab",
                        "init");
        assertThat(tarFile("ramdisk-init"))
                .isEqualTo("#!/bin/sh\necho \"contract init start\"\n\n# init fragment from contract-init\n"
                        + "echo \"contract init fragment\"\necho \"contract init end\"\n");
        String list =
                HostState.run("tar", "--list", "--file", out.resolve("ct.tar").toString());
        assertThat(list).doesNotContain("./tmp/contract-rd", "./tmp/contract-ramdisk-lib", "./boot/vmlinuz");
    }

    @Test
    @Timeout(60)
    void withoutFirstBootScriptsThereIsNoFirstBootService() {
        String list =
                HostState.run("tar", "--list", "--file", out.resolve("ct.tar").toString());
        assertThat(list)
                .contains("./usr/lib/systemd/system/contract-test.service") // the image does have units
                .doesNotContain("dib-first-boot", "./etc/first-boot.d");
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
