package io.jdib.element;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The everyday elements' hooks that run outside the chroot, run by bash on the host against a
 * directory standing in for the tree: bad input stops them with a message that says what to set,
 * and the forms EverydayElementsIT does not build are read as documented.
 */
class EverydayHooksTest {
    record Run(int code, String out, String err) {}

    @TempDir
    Path dir;

    private Run hook(String script, Map<String, String> vars) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(
                "bash", Path.of("elements").resolve(script).toAbsolutePath().toString());
        Map<String, String> env = pb.environment();
        env.keySet().removeIf(k -> k.startsWith("DIB_") || k.startsWith("PIP_"));
        Path root = dir.resolve("root");
        Path hooks = dir.resolve("hooks");
        Files.createDirectories(root);
        Files.createDirectories(hooks);
        env.put("TARGET_ROOT", root.toString());
        env.put("TMP_MOUNT_PATH", root.toString());
        env.put("TMP_HOOKS_PATH", hooks.toString());
        env.putAll(vars);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        String err = new String(p.getErrorStream().readAllBytes());
        return new Run(p.waitFor(), out, err);
    }

    private Path file(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    @Test
    void aptSourcesUnsetDoesNothingAndAnEmptyOrMissingFileStops() throws Exception {
        Run unset = hook("apt-sources/extra-data.d/99-apt-sources", Map.of());
        assertThat(unset.code()).isZero();
        assertThat(dir.resolve("hooks/apt-sources")).doesNotExist();

        Run empty = hook(
                "apt-sources/extra-data.d/99-apt-sources",
                Map.of("DIB_APT_SOURCES", file("empty.list", "").toString()));
        assertThat(empty.code()).isEqualTo(1);
        assertThat(empty.err()).contains("is not a non-empty file").contains("sources.list");

        Run missing = hook(
                "apt-sources/extra-data.d/99-apt-sources",
                Map.of("DIB_APT_SOURCES", dir.resolve("nope.list").toString()));
        assertThat(missing.code()).isEqualTo(1);

        Run given = hook(
                "apt-sources/extra-data.d/99-apt-sources",
                Map.of(
                        "DIB_APT_SOURCES",
                        file("my.list", "deb http://example.org/debian trixie main\n")
                                .toString()));
        assertThat(given.code()).isZero();
        assertThat(dir.resolve("hooks/apt-sources/sources.list"))
                .hasContent("deb http://example.org/debian trixie main");
    }

    @Test
    void grubOnS390xStopsBeforeTheBootstrapNamingZipl() throws Exception {
        Run s390x = hook("grub2/root.d/01-grub2-arch", Map.of("ARCH", "s390x"));
        assertThat(s390x.code()).isEqualTo(1);
        assertThat(s390x.err().strip())
                .isEqualTo("grub2: s390x boots through zipl, not GRUB: add the zipl element"
                        + " (it provides bootloader in grub2's place)");
        assertThat(hook("grub2/root.d/01-grub2-arch", Map.of("ARCH", "arm64")).code())
                .isZero();
    }

    @Test
    void ziplOnAnotherArchitectureStopsWithOneLine() throws Exception {
        Run amd64 = hook("zipl/finalise.d/50-zipl", Map.of("ARCH", "amd64", "IMAGE_BLOCK_DEVICE", "/dev/loop9"));
        assertThat(amd64.code()).isEqualTo(1);
        assertThat(amd64.err().strip())
                .isEqualTo("zipl: zipl boots s390x only, and this build is ARCH=amd64; leave the zipl element out");
    }

    @Test
    void aptConfThatIsNotAFileStops() throws Exception {
        Run run = hook("apt-conf/extra-data.d/99-apt-conf", Map.of("DIB_APT_CONF", dir.toString()));
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("DIB_APT_CONF=" + dir + " is not a file");
        assertThat(dir.resolve("root/etc/apt/apt.conf")).doesNotExist();
    }

    @Test
    void aptPreferencesReadsJdibsPlainManifestToo() throws Exception {
        Path manifest = file("dib-manifest-dpkg", "adduser 3.152 all\nlibc6 2.41-12 amd64\n\n");
        Run run = hook(
                "apt-preferences/extra-data.d/99-apt-preferences", Map.of("DIB_DPKG_MANIFEST", manifest.toString()));
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(run.out()).contains("pinned 2 packages");
        assertThat(Files.readString(dir.resolve("root/etc/apt/preferences")))
                .isEqualTo("Package: adduser\nPin: version 3.152\nPin-Priority: 1001\n\n"
                        + "Package: libc6\nPin: version 2.41-12\nPin-Priority: 1001\n\n");
    }

    @Test
    void aptPreferencesStopsOnAnEmptyManifestPath() throws Exception {
        Run run = hook(
                "apt-preferences/extra-data.d/99-apt-preferences",
                Map.of("DIB_DPKG_MANIFEST", file("empty", "").toString()));
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("DIB_DPKG_MANIFEST=").contains("not a non-empty file");
    }

    @Test
    void modprobeBlacklistNeedsItsVariable() throws Exception {
        Run run = hook("modprobe-blacklist/root.d/01-modprobe-blacklist-required", Map.of());
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("set DIB_MODPROBE_BLACKLIST");
        assertThat(hook(
                                "modprobe-blacklist/root.d/01-modprobe-blacklist-required",
                                Map.of("DIB_MODPROBE_BLACKLIST", "igb"))
                        .code())
                .isZero();
    }

    @Test
    void autoupdatesRefusesBothConfigurations() throws Exception {
        Path conf = file("50unattended-upgrades", "// x\n");
        Run run = hook(
                "autoupdates/extra-data.d/61-autoupdates-config",
                Map.of("DIB_DEB_UPDATES_CONF", conf.toString(), "DIB_YUM_UPDATES_CONF", conf.toString()));
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("not both");
    }

    @Test
    void fail2banJailThatIsMissingStops() throws Exception {
        Run run = hook(
                "fail2ban/extra-data.d/60-fail2ban-jail",
                Map.of("DIB_FAIL2BAN_CONF", dir.resolve("jail.local").toString()));
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("point it at a jail.local");
    }

    @Test
    void pipAndVirtualenvRefusesTheSourceInstallType() throws Exception {
        Run run = hook(
                "pip-and-virtualenv/extra-data.d/10-pip-and-virtualenv-installtype",
                Map.of("DIB_INSTALLTYPE_pip_and_virtualenv", "source"));
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.err()).contains("install type 'source' is not supported").contains("only 'package'");
    }

    @Test
    void elementManifestGoesWhereDibElementManifestPathSays() throws Exception {
        Run run = hook(
                "element-manifest/extra-data.d/75-element-manifest",
                Map.of("IMAGE_ELEMENT", "base debian-minimal vm", "DIB_ELEMENT_MANIFEST_PATH", "/srv/elements.txt"));
        assertThat(run.code()).as(run.err()).isZero();
        assertThat(dir.resolve("root/srv/elements.txt")).hasContent("base\ndebian-minimal\nvm");
    }

    @Test
    void pipCacheIsCopiedInAndOnlyNewOrChangedFilesComeBack() throws Exception {
        Path cache = dir.resolve("cache");
        Files.createDirectories(cache.resolve("pip/http"));
        Files.writeString(cache.resolve("pip/http/kept"), "kept\n");
        Files.writeString(cache.resolve("pip/http/changed"), "old\n");
        Map<String, String> vars = new HashMap<>(Map.of("DIB_IMAGE_CACHE", cache.toString()));

        Run in = hook("pip-cache/root.d/11-pip-cache", vars);
        assertThat(in.code()).as(in.err()).isZero();
        assertThat(in.out()).contains("pip-cache: 2 files from " + cache.resolve("pip"));
        Path tree = dir.resolve("root/tmp/pip");
        assertThat(tree.resolve("http/kept")).hasContent("kept");

        // What pip would do in the chroot: add a file, rewrite one.
        Files.createDirectories(tree.resolve("wheels/ab"));
        Files.writeString(tree.resolve("wheels/ab/new.whl"), "wheel\n");
        Files.writeString(tree.resolve("http/changed"), "new\n");

        Run out = hook("pip-cache/post-root.d/89-pip-cache", vars);
        assertThat(out.code()).as(out.err()).isZero();
        assertThat(out.out()).contains("pip-cache: 2 new or changed files kept");
        assertThat(cache.resolve("pip/wheels/ab/new.whl")).hasContent("wheel");
        assertThat(cache.resolve("pip/http/changed")).hasContent("new");
        assertThat(cache.resolve("pip/http/kept")).hasContent("kept");
        assertThat(tree).doesNotExist();
        try (var left = Files.walk(cache)) {
            assertThat(left.map(p -> p.getFileName().toString())).noneMatch(n -> n.startsWith(".pip-cache."));
        }
    }

    @Test
    void pipCachePointsPipAtTmpPipInsideTheChrootOnly() throws Exception {
        String script = "source "
                + Path.of("elements/pip-cache/environment.d/10-pip-cache.bash").toAbsolutePath()
                + "; echo \"${PIP_CACHE_DIR:-unset} ${PIP_DOWNLOAD_CACHE:-unset}\"";
        for (var c : Map.of("/tmp/in_target.d", "/tmp/pip /tmp/pip\n", "/var/tmp/jdib/build-1/hooks", "unset unset\n")
                .entrySet()) {
            ProcessBuilder pb = new ProcessBuilder("bash", "-c", script);
            pb.environment().keySet().removeIf(k -> k.startsWith("PIP_"));
            pb.environment().put("TMP_HOOKS_PATH", c.getKey());
            Process p = pb.start();
            assertThat(new String(p.getInputStream().readAllBytes()))
                    .as(c.getKey())
                    .isEqualTo(c.getValue());
            assertThat(p.waitFor()).isZero();
        }
    }
}
