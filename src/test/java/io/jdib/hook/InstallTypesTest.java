package io.jdib.hook;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdib.sys.UserError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InstallTypesTest {
    private static HookTree tree(Path dir) throws Exception {
        Path el = dir.resolve("src/nova");
        for (String type : List.of("source", "package")) {
            Path hooks = el.resolve("install.d/nova-" + type + "-install");
            Files.createDirectories(hooks);
            Files.writeString(hooks.resolve("10-nova"), "#!/bin/bash\n");
        }
        return HookTree.merge(List.of(new HookTree.Source("nova", el)), dir.resolve("hooks"), w -> {});
    }

    @Test
    void theDefaultAndAnyProvidedTypePass(@TempDir Path dir) throws Exception {
        HookTree tree = tree(dir);
        assertThatCode(() -> InstallTypes.check(tree, Map.of())).doesNotThrowAnyException();
        assertThatCode(() -> InstallTypes.check(tree, Map.of("DIB_INSTALLTYPE_nova", "package")))
                .doesNotThrowAnyException();
    }

    @Test
    void aTypeNoDirectoryProvidesNamesTheElementAndWhatItHas(@TempDir Path dir) throws Exception {
        HookTree tree = tree(dir);
        assertThatThrownBy(() -> InstallTypes.check(tree, Map.of("DIB_DEFAULT_INSTALLTYPE", "git")))
                .isInstanceOf(UserError.class)
                .hasMessage(
                        "element nova: DIB_DEFAULT_INSTALLTYPE=git but its install.d/ has only"
                                + " nova-package-install, nova-source-install; set DIB_INSTALLTYPE_nova to one of package, source");
    }
}
