package io.jdib.integration;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.testing.HostState;
import io.jdib.testing.JdibProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * DIB's everyday configuration elements, built for real in one tar tree: debian-minimal, cloud-init
 * and all of them, with their variables pointing at files this test writes, plus the everyday-test
 * fixture element, which uses what they give hooks and records it under /everyday/. Each test reads
 * what one element left in the tree.
 */
@Tag("integration")
@Timeout(value = 40, unit = TimeUnit.MINUTES)
class EverydayElementsIT {
    /** A sha512-crypt hash of "jdib-test" (salt "everyday"), as dynamic-login's rootpwd= gives it. */
    static final String ROOT_HASH =
            "$6$everyday$K6wGiYe3ItHrCwdlgu10CYWJASRAvZ4LoGBFIZZ17gFbkt6WklAdG0frNfNNevZYree8DGiM5yXVOI/pxMzlt1";

    static final String SSH_KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIEveryday everyday@test";

    static final List<String> ELEMENTS = List.of(
            "debian-minimal",
            "cloud-init",
            "apt-sources",
            "apt-conf",
            "apt-preferences",
            "modprobe",
            "modprobe-blacklist",
            "sysctl",
            "journal-to-console",
            "dynamic-login",
            "posix",
            "autoupdates",
            "fail2ban",
            "disable-nouveau",
            "cloud-init-growpart",
            "cloud-init-disable-resizefs",
            "element-manifest",
            "ensure-venv",
            "pip-and-virtualenv",
            "pip-cache",
            "everyday-test");

    @TempDir
    static Path dir;

    static Path out;
    static Path work;
    static Path pipCache;
    static String token;
    static JdibProcess.Result build;

    static Path write(String name, String content) {
        try {
            return Files.writeString(dir.resolve(name), content);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeAll
    @Timeout(value = 35, unit = TimeUnit.MINUTES)
    static void build() throws IOException {
        out = dir.resolve("out");
        work = dir.resolve("work");
        Files.createDirectories(out);
        // pip-cache reads and fills DIB_IMAGE_CACHE/pip: the run's shared cache, so the files this
        // test puts there carry a name of their own and are removed afterwards.
        String cache = System.getProperty("jdib.it.cache");
        Path cacheDir = cache == null || cache.isBlank() ? dir.resolve("cache") : Path.of(cache);
        pipCache = cacheDir.resolve("pip");
        Files.createDirectories(pipCache);
        token = UUID.randomUUID().toString();
        Files.writeString(pipCache.resolve("everyday-seed-" + token), "seed from the host cache\n");

        Map<String, String> env = new HashMap<>();
        env.put("ELEMENTS_PATH", JdibProcess.testElements().toString());
        env.put("JDIB_WORK_DIR", work.toString());
        env.put("DIB_RELEASE", "trixie");
        if (cache == null || cache.isBlank()) {
            env.put("DIB_IMAGE_CACHE", cacheDir.toString());
        }
        env.put(
                "DIB_APT_SOURCES",
                write(
                                "sources.list",
                                "# EverydayElementsIT sources\n"
                                        + "deb http://deb.debian.org/debian trixie main\n"
                                        + "deb http://deb.debian.org/debian-security trixie-security main\n")
                        .toString());
        env.put(
                "DIB_APT_CONF",
                write("apt.conf", "// EverydayElementsIT\nAcquire::Retries \"7\";\n")
                        .toString());
        env.put(
                "DIB_DPKG_MANIFEST",
                write(
                                "manifest.json",
                                "{\"packages\": [{\"package\": \"jdib-everyday-pin\", \"version\": \"1.2.3-4\"},"
                                        + " {\"package\": \"everyday-other\", \"version\": \"2:5.0\"}]}\n")
                        .toString());
        env.put("DIB_MODPROBE_BLACKLIST", "floppy pcspkr");
        env.put(
                "DIB_DEB_UPDATES_CONF",
                write(
                                "50unattended-upgrades",
                                "// EverydayElementsIT\nUnattended-Upgrade::Automatic-Reboot \"false\";\n")
                        .toString());
        env.put(
                "DIB_FAIL2BAN_CONF",
                write("jail.local", "# EverydayElementsIT\n[sshd]\nenabled = true\nmaxretry = 4\n")
                        .toString());
        env.put("DIB_CLOUD_INIT_GROWPART_DEVICES", "/dev/vda3 /");
        env.put("DIB_EVERYDAY_TOKEN", token);
        String encoded = java.util.Base64.getEncoder().encodeToString(ROOT_HASH.getBytes());
        env.put(
                "DIB_EVERYDAY_CMDLINE",
                "BOOT_IMAGE=/vmlinuz root=LABEL=cloudimg-rootfs sshkey=\"" + SSH_KEY + "\" rootpwd=" + encoded
                        + " console=ttyS0");

        List<String> args = new java.util.ArrayList<>(
                List.of("disk-image-create", "-o", out.resolve("ev").toString(), "-t", "tar"));
        args.addAll(ELEMENTS);
        build = JdibProcess.run(Duration.ofMinutes(33), env, args.toArray(String[]::new));
        assertThat(build.exitCode()).as(build.output()).isZero();
    }

    @AfterAll
    static void removeTestFilesFromTheSharedCache() throws IOException {
        if (pipCache != null && token != null) {
            Files.deleteIfExists(pipCache.resolve("everyday-seed-" + token));
            Files.deleteIfExists(pipCache.resolve("everyday-back-" + token));
        }
    }

    private static String tarFile(String member) {
        return HostState.run(
                "tar",
                "--extract",
                "--to-stdout",
                "--file",
                out.resolve("ev.tar").toString(),
                "./" + member);
    }

    private static List<String> listing;

    private static synchronized List<String> tarListing() {
        if (listing == null) {
            listing = HostState.run(
                            "tar",
                            "--list",
                            "--verbose",
                            "--file",
                            out.resolve("ev.tar").toString())
                    .lines()
                    .toList();
        }
        return listing;
    }

    /** The `tar -tv` line of one member (mode, owner, size, name and, for links, the target). */
    private static String tarEntry(String member) {
        return tarListing().stream()
                .filter(l -> l.endsWith(" ./" + member) || l.contains(" ./" + member + " -> "))
                .findFirst()
                .orElse("(no " + member + " in the image)");
    }

    private static boolean installed(String pkg) {
        return tarFile("var/lib/dpkg/status").contains("Package: " + pkg + "\nStatus: install ok installed\n");
    }

    @Test
    void nothingIsLeftMountedOrAttached() {
        assertThat(HostState.mountsUnder(work)).isEmpty();
        assertThat(HostState.loopsUnder(dir)).isEmpty();
        assertThat(HostState.buildDirs(work)).isEmpty();
    }

    @Test
    void aptSourcesReplacesTheDistributionsSourcesAndTheBuildUsesThem() {
        assertThat(tarFile("etc/apt/sources.list")).startsWith("# EverydayElementsIT sources\n");
        assertThat(tarListing()).noneMatch(l -> l.endsWith("/etc/apt/sources.list.d/debian.sources"));
        // apt read the given file before any package was installed.
        assertThat(build.output())
                .containsPattern(
                        "\\[apt-sources/01-apt-sources\\] (Hit|Get):[0-9]+ http://deb.debian.org/debian-security"
                                + " trixie-security InRelease");
        assertThat(installed("cloud-init")).isTrue();
    }

    @Test
    void aptConfIsTheImagesAptConfAndAppliesDuringTheBuild() {
        assertThat(tarFile("etc/apt/apt.conf")).isEqualTo("// EverydayElementsIT\nAcquire::Retries \"7\";\n");
        assertThat(tarFile("everyday/apt-config")).contains("Acquire::Retries \"7\";");
    }

    @Test
    void aptPreferencesPinsEveryPackageOfTheManifest() {
        assertThat(tarFile("etc/apt/preferences"))
                .isEqualTo("Package: jdib-everyday-pin\nPin: version 1.2.3-4\nPin-Priority: 1001\n\n"
                        + "Package: everyday-other\nPin: version 2:5.0\nPin-Priority: 1001\n\n");
    }

    @Test
    void modprobeCopiesElementSnippetsAndBlacklistsEachModuleOnce() {
        assertThat(tarFile("etc/modprobe.d/everyday-test.conf")).contains("options loop max_loop=42\n");
        // modprobe and modprobe-blacklist are both in the build: still one line per module.
        assertThat(tarFile("etc/modprobe.d/blacklist.conf")).isEqualTo("blacklist floppy\nblacklist pcspkr\n");
    }

    @Test
    void disableNouveauBlacklistsTheDriver() {
        assertThat(tarFile("etc/modprobe.d/disable-nouveau.conf"))
                .contains("blacklist nouveau\n")
                .contains("options nouveau modeset=0\n");
    }

    @Test
    void sysctlWritesOneFilePerParameterAndRefusesConflictsAndTypos() {
        assertThat(tarFile("etc/sysctl.d/net.ipv4.ip_forward.conf")).endsWith("\nnet.ipv4.ip_forward = 1\n");
        assertThat(tarFile("etc/sysctl.d/vm.swappiness.conf")).isEqualTo("# everyday test\nvm.swappiness = 10\n");
        assertThat(tarFile("everyday/sysctl-conflict")).isEqualTo("refused\n");
        assertThat(tarFile("everyday/sysctl-conflict.err")).contains("already set to '1'");
        assertThat(tarFile("everyday/sysctl-unknown")).isEqualTo("refused\n");
        assertThat(tarListing()).noneMatch(l -> l.contains("etc/sysctl.d/no.such.parameter"));
        assertThat(tarEntry("usr/local/bin/sysctl-set-value")).startsWith("-rwx");
    }

    @Test
    void journalToConsoleForwardsTheJournal() {
        assertThat(tarFile("etc/systemd/journald.conf.d/log-to-console.conf"))
                .contains("[Journal]\nForwardToConsole=yes\n");
    }

    @Test
    void dynamicLoginIsEnabledAndTakesKeyAndPasswordFromTheCommandLine() {
        assertThat(tarEntry("usr/local/bin/dynamic-login")).startsWith("-rwx");
        assertThat(tarFile("usr/lib/systemd/system/dynamic-login.service"))
                .contains("ExecStart=/usr/local/bin/dynamic-login");
        assertThat(tarEntry("etc/systemd/system/multi-user.target.wants/dynamic-login.service"))
                .contains("-> /usr/lib/systemd/system/dynamic-login.service");
        // The fixture ran it against its own command line inside the chroot.
        assertThat(tarFile("root/.ssh/authorized_keys")).isEqualTo(SSH_KEY + "\n");
        assertThat(tarEntry("root/.ssh/authorized_keys")).startsWith("-rw-------");
        assertThat(tarFile("etc/shadow")).contains("root:" + ROOT_HASH + ":");
        assertThat(installed("openssh-server")).isTrue();
    }

    @Test
    void posixInstallsTheUtilitiesPosixLists() {
        for (String program : List.of(
                "usr/bin/c99-gcc",
                "usr/bin/sccs",
                "usr/bin/uucp",
                "usr/bin/pax",
                "usr/bin/bc",
                "usr/bin/m4",
                "usr/bin/yacc",
                "usr/bin/lex",
                "usr/bin/make",
                "usr/bin/crontab",
                "usr/bin/lp",
                "usr/bin/uuencode",
                "usr/bin/cal",
                "usr/bin/ctags",
                "usr/bin/mailx",
                "usr/bin/fort77",
                "usr/bin/cflow",
                "usr/bin/time")) {
            assertThat(tarEntry(program)).as(program).doesNotStartWith("(no ");
        }
        // ex and vi are alternatives vim-tiny registers.
        assertThat(tarEntry("etc/alternatives/vi")).contains("-> /usr/bin/vim.tiny");
        assertThat(tarEntry("etc/alternatives/ex")).contains("-> /usr/bin/vim.tiny");
    }

    @Test
    void autoupdatesInstallsUnattendedUpgradesWithTheGivenConfigAndTurnsItOn() {
        assertThat(installed("unattended-upgrades")).isTrue();
        assertThat(tarFile("etc/apt/apt.conf.d/50unattended-upgrades"))
                .isEqualTo("// EverydayElementsIT\nUnattended-Upgrade::Automatic-Reboot \"false\";\n");
        assertThat(tarFile("etc/apt/apt.conf.d/20auto-upgrades"))
                .contains("APT::Periodic::Update-Package-Lists \"1\";")
                .contains("APT::Periodic::Unattended-Upgrade \"1\";");
        assertThat(tarEntry("etc/systemd/system/multi-user.target.wants/unattended-upgrades.service"))
                .contains("unattended-upgrades.service");
        // The timer that runs it daily once 20auto-upgrades asks for it.
        assertThat(tarEntry("etc/systemd/system/timers.target.wants/apt-daily-upgrade.timer"))
                .contains("apt-daily-upgrade.timer");
    }

    @Test
    void fail2banIsInstalledWithTheGivenJailAndEnabled() {
        assertThat(installed("fail2ban")).isTrue();
        // Its default ban action runs nft.
        assertThat(installed("nftables")).isTrue();
        assertThat(tarFile("etc/fail2ban/jail.d/defaults-debian.conf")).contains("banaction = nftables");
        assertThat(tarFile("etc/fail2ban/jail.local"))
                .isEqualTo("# EverydayElementsIT\n[sshd]\nenabled = true\nmaxretry = 4\n");
        assertThat(tarEntry("etc/systemd/system/multi-user.target.wants/fail2ban.service"))
                .contains("fail2ban.service");
    }

    @Test
    void cloudInitGrowpartConfiguresTheGivenDevices() {
        assertThat(installed("cloud-guest-utils")).isTrue();
        assertThat(tarFile("etc/cloud/cloud.cfg.d/55-growpart.cfg"))
                .startsWith("#cloud-config\n")
                .contains("growpart:\n  mode: auto\n  devices: [/dev/vda3, /]\n  ignore_growroot_disabled: false\n");
    }

    @Test
    void cloudInitDisableResizefsTakesBothModulesOutOfCloudCfg() {
        String cfg = tarFile("etc/cloud/cloud.cfg");
        assertThat(cfg).contains("cloud_init_modules:");
        assertThat(cfg.lines()).noneMatch(l -> l.matches("\\s*-\\s*\\[?\\s*(resizefs|growpart)\\b.*"));
        // DIB's sed -ie left a backup named cloud.cfge; this one leaves none.
        assertThat(tarListing()).noneMatch(l -> l.endsWith("./etc/cloud/cloud.cfge"));
    }

    @Test
    void elementManifestListsEveryElementOfTheBuild() {
        List<String> listed =
                tarFile("etc/dib-manifests/dib-element-manifest").lines().toList();
        assertThat(listed).containsAll(ELEMENTS);
        // ...and what they pulled in.
        assertThat(listed).contains("manifests", "dib-init-system", "openssh-server", "package-installs");
        assertThat(out.resolve("ev.d/dib-element-manifest")).exists();
    }

    @Test
    void ensureVenvMakesPythonVenvWork() {
        assertThat(installed("python3-venv")).isTrue();
        assertThat(tarEntry("opt/everyday-venv/bin/python3")).contains("->");
        assertThat(tarFile("everyday/venv-pip-version")).startsWith("pip ").contains("/opt/everyday-venv/");
    }

    @Test
    void pipAndVirtualenvComeFromPackagesWithDibsCommands() {
        assertThat(installed("python3-pip")).isTrue();
        assertThat(installed("python3-virtualenv")).isTrue();
        assertThat(tarFile("everyday/dib-python-pip")).isEqualTo("/usr/bin/python3 -m pip\n");
        assertThat(tarFile("everyday/dib-python-virtualenv")).isEqualTo("/usr/bin/python3 -m venv\n");
        assertThat(tarFile("everyday/pip-version")).startsWith("pip ");
        assertThat(tarFile("everyday/virtualenv-version")).startsWith("virtualenv ");
    }

    @Test
    void pipCacheIsCopiedInAndWhatPipAddedComesBack() throws IOException {
        assertThat(tarFile("everyday/pip-env")).isEqualTo("PIP_CACHE_DIR=/tmp/pip PIP_DOWNLOAD_CACHE=/tmp/pip\n");
        assertThat(tarFile("everyday/pip-cache-dir")).isEqualTo("/tmp/pip\n");
        assertThat(tarFile("everyday/pip-seed")).isEqualTo("seed from the host cache\n");
        assertThat(pipCache.resolve("everyday-back-" + token)).hasContent("written in the chroot");
        // root.d copied the host's cache in, post-root.d copied the new file back out.
        assertThat(build.output())
                .containsPattern("pip-cache: [1-9][0-9]* files from ")
                .containsPattern("pip-cache: [1-9][0-9]* new or changed files kept in ");
    }
}
