package io.jdib.build;

import static org.assertj.core.api.Assertions.assertThat;

import io.jdib.cache.TreeKey;
import io.jdib.element.Element;
import io.jdib.element.ElementResolution;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of input that shapes a tree changes its checkpoint key; a file's mtime does not. */
class CheckpointKeyTest {
    @TempDir
    Path dir;

    private Path first;
    private Path second;
    private Path home;

    @BeforeEach
    void elements() throws IOException {
        first = element("first", "install.d/10-first", "#!/bin/bash\necho first\n");
        Files.writeString(first.resolve("package-installs.yaml"), "curl:\n");
        Files.createDirectories(first.resolve("static/etc"));
        Files.writeString(first.resolve("static/etc/motd"), "hello\n");
        second = element("second", "finalise.d/50-second", "#!/bin/bash\necho second\n");
        home = dir.resolve("jdib");
        Files.createDirectories(home.resolve("lib"));
        Files.writeString(home.resolve("lib/common-functions"), "die() { :; }\n");
    }

    private Path element(String name, String hook, String body) throws IOException {
        Path el = dir.resolve("elements").resolve(name);
        Path file = el.resolve(hook);
        Files.createDirectories(file.getParent());
        Files.writeString(file, body);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
        return el;
    }

    private static ElementResolution resolution(Path... elements) {
        List<ElementResolution.Resolved> resolved = new ArrayList<>();
        for (Path el : elements) {
            resolved.add(new ElementResolution.Resolved(
                    new Element(el.getFileName().toString(), el, List.of(), List.of()), "cli"));
        }
        return new ElementResolution(resolved, Map.of());
    }

    private Map<String, String> env() {
        Map<String, String> env = new TreeMap<>();
        env.put("DIB_RELEASE", "trixie");
        env.put("ARCH", "amd64");
        env.put("TARGET_ROOT", dir.resolve("work-1/built").toString());
        env.put("TMP_HOOKS_PATH", dir.resolve("work-1/hooks").toString());
        env.put("IMAGE_NAME", "/out/image-1");
        return env;
    }

    private BuildSpec spec(List<String> packages) {
        return BuildSpec.builder()
                .elements(List.of("first", "second"))
                .extraPackages(packages)
                .jdibHome(home)
                .build();
    }

    private String key(ElementResolution resolution, Map<String, String> env, List<String> packages) {
        return TreeBuild.treeKey(resolution, env, spec(packages), "Sat, 14 Nov 2026 10:00:00 UTC", "jar-1")
                .digest();
    }

    private String key() {
        return key(resolution(first, second), env(), List.of());
    }

    @Test
    void theSameInputsGiveTheSameKey() {
        assertThat(key()).isEqualTo(key()).hasSize(64);
    }

    @Test
    void aHookContentChangeMisses() throws IOException {
        String before = key();
        Files.writeString(first.resolve("install.d/10-first"), "#!/bin/bash\necho changed\n");
        assertThat(key()).isNotEqualTo(before);
    }

    @Test
    void aHookModeChangeMisses() throws IOException {
        String before = key();
        Files.setPosixFilePermissions(
                first.resolve("install.d/10-first"), PosixFilePermissions.fromString("rw-r--r--"));
        assertThat(key()).isNotEqualTo(before);
    }

    @Test
    void aStaticFileChangeMisses() throws IOException {
        String before = key();
        Files.writeString(first.resolve("static/etc/motd"), "hello again\n");
        assertThat(key()).isNotEqualTo(before);
    }

    @Test
    void aNewHookMisses() throws IOException {
        String before = key();
        element("first", "post-install.d/90-more", "#!/bin/bash\n");
        assertThat(key()).isNotEqualTo(before);
    }

    @Test
    void aChangedOrNewHookOfALaterPhaseHits() throws IOException {
        String before = key();
        Files.writeString(second.resolve("finalise.d/50-second"), "#!/bin/bash\necho changed\n");
        element("first", "cleanup.d/90-tidy", "#!/bin/bash\n");
        element("first", "block-device.d/10-layout", "#!/bin/bash\n");
        element("first", "pre-finalise.d/10-before", "#!/bin/bash\n");
        assertThat(key()).isEqualTo(before);
    }

    @Test
    void editingAnElementsReadmeHits() throws IOException {
        Files.writeString(first.resolve("README.md"), "# first\n");
        String before = key();
        Files.writeString(first.resolve("README.md"), "# first\n\nNow documented.\n");
        assertThat(key()).isEqualTo(before);
    }

    @Test
    void aPackageInstallsChangeMisses() throws IOException {
        String before = key();
        Files.writeString(first.resolve("package-installs.yaml"), "curl:\nvim:\n");
        assertThat(key()).isNotEqualTo(before);
    }

    @Test
    void aVariableChangeMisses() {
        String before = key();
        Map<String, String> env = env();
        env.put("DIB_CLOUD_INIT_DATASOURCES", "ConfigDrive");
        assertThat(key(resolution(first, second), env, List.of())).isNotEqualTo(before);
    }

    @Test
    void aReleaseChangeMisses() {
        String before = key();
        Map<String, String> env = env();
        env.put("DIB_RELEASE", "bookworm");
        assertThat(key(resolution(first, second), env, List.of())).isNotEqualTo(before);
    }

    @Test
    void anArchiveUpdateMisses() {
        String before = key();
        String after = TreeBuild.treeKey(
                        resolution(first, second), env(), spec(List.of()), "Sun, 15 Nov 2026 10:00:00 UTC", "jar-1")
                .digest();
        assertThat(after).isNotEqualTo(before);
    }

    @Test
    void anotherJdibMisses() {
        String before = key();
        String after = TreeBuild.treeKey(
                        resolution(first, second), env(), spec(List.of()), "Sat, 14 Nov 2026 10:00:00 UTC", "jar-2")
                .digest();
        assertThat(after).isNotEqualTo(before);
    }

    @Test
    void extraPackagesMiss() {
        assertThat(key(resolution(first, second), env(), List.of("vim"))).isNotEqualTo(key());
    }

    @Test
    void anAddedElementMisses() throws IOException {
        Path third = element("third", "install.d/20-third", "#!/bin/bash\n");
        assertThat(key(resolution(first, second, third), env(), List.of())).isNotEqualTo(key());
    }

    @Test
    void reorderedElementsMiss() {
        assertThat(key(resolution(second, first), env(), List.of())).isNotEqualTo(key());
    }

    @Test
    void aChangedFileNamedByAVariableMisses() throws IOException {
        Path keys = dir.resolve("authorized_keys");
        Files.writeString(keys, "ssh-ed25519 AAAA one\n");
        Map<String, String> env = env();
        env.put("DIB_DEV_USER_AUTHORIZED_KEYS", keys.toString());
        String before = key(resolution(first, second), env, List.of());
        Files.writeString(keys, "ssh-ed25519 AAAA two\n");
        assertThat(key(resolution(first, second), env, List.of())).isNotEqualTo(before);
    }

    @Test
    void aLibraryChangeMisses() throws IOException {
        String before = key();
        Files.writeString(home.resolve("lib/common-functions"), "die() { exit 1; }\n");
        assertThat(key()).isNotEqualTo(before);
    }

    @Test
    void touchingFilesHits() throws IOException {
        String before = key();
        FileTime later = FileTime.from(Instant.now().plusSeconds(3600));
        try (var walk = Files.walk(dir)) {
            for (Path p : walk.toList()) {
                Files.setLastModifiedTime(p, later);
            }
        }
        assertThat(key()).isEqualTo(before);
    }

    @Test
    void perBuildPathsAndNamesHit() {
        String before = key();
        Map<String, String> env = env();
        env.put("TARGET_ROOT", dir.resolve("work-2/built").toString());
        env.put("TMP_HOOKS_PATH", dir.resolve("work-2/hooks").toString());
        env.put("IMAGE_NAME", "/out/image-2");
        env.put("DIB_DEBUG_TRACE", "1");
        env.put("SSH_AUTH_SOCK", "/tmp/agent");
        assertThat(key(resolution(first, second), env, List.of())).isEqualTo(before);
    }

    @Test
    void theInputsNameEachElementAndVariable() {
        TreeKey key = TreeBuild.treeKey(resolution(first, second), env(), spec(List.of()), "d", "jar-1");
        assertThat(key.inputs())
                .anyMatch(l -> l.startsWith("element first "))
                .anyMatch(l -> l.startsWith("element second "))
                .contains("env DIB_RELEASE=trixie", "archive-date d", "jdib-code jar-1")
                .noneMatch(l -> l.contains("TARGET_ROOT"));
    }

    /** The key of the checkpoint taken after install.d's {@code 01-package-installs}. */
    private String packagesKey() {
        return TreeBuild.treeKey(
                        resolution(first, second),
                        env(),
                        spec(List.of()),
                        "Sat, 14 Nov 2026 10:00:00 UTC",
                        "jar-1",
                        TreeBuild.ranAfterInstallHook("01-package-installs"),
                        "01-package-installs")
                .digest();
    }

    @Test
    void anInstallHookAfterThePackageInstallsOrALaterPhaseKeepsThePackagesCheckpoint() throws IOException {
        String packages = packagesKey();
        String whole = key();
        Files.writeString(first.resolve("install.d/10-first"), "#!/bin/bash\necho changed\n");
        element("first", "post-install.d/20-later", "#!/bin/bash\necho later\n");
        element("first", "post-root.d/20-later", "#!/bin/bash\necho later\n");

        assertThat(packagesKey()).isEqualTo(packages);
        assertThat(key()).isNotEqualTo(whole);
    }

    @Test
    void anInstallHookUpToThePackageInstallsOrAnEarlierPhaseMissesThePackagesCheckpoint() throws IOException {
        String packages = packagesKey();
        element("first", "install.d/00-earlier", "#!/bin/bash\necho earlier\n");
        assertThat(packagesKey()).isNotEqualTo(packages);

        String before = packagesKey();
        element("second", "pre-install.d/50-second", "#!/bin/bash\necho second\n");
        assertThat(packagesKey()).isNotEqualTo(before);

        String withPre = packagesKey();
        Files.writeString(first.resolve("package-installs.yaml"), "curl:\nwget:\n");
        assertThat(packagesKey()).isNotEqualTo(withPre);
    }

    @Test
    void thePackagesCheckpointAndTheWholeTreeNeverShareAKey() {
        assertThat(packagesKey()).isNotEqualTo(key());
    }
}
