package io.jdib.blockdevice.partition;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GptTypeTest {
    @TempDir
    Path dir;

    /** sgdisk is where DIB's 4-hex codes come from, so it decides what GUID each code means. */
    @Test
    void everyCodeMapsToTheGuidSgdiskUses() throws IOException {
        Path image = HostTools.sparseImage(dir, "types.img", 64L << 20);
        List<String> cmd = new ArrayList<>(List.of("sgdisk", "-o"));
        List<String> codes = new ArrayList<>(GptType.known().keySet());
        for (int i = 0; i < codes.size(); i++) {
            int n = i + 1;
            cmd.addAll(List.of("-n", n + ":0:+1M", "-t", n + ":" + codes.get(i)));
        }
        cmd.add(image.toString());
        HostTools.ok(cmd.toArray(String[]::new));

        Map<Integer, String> sgdiskTypes = new HashMap<>();
        JsonNode table = HostTools.sfdiskJson(image);
        for (JsonNode p : table.get("partitions")) {
            String node = p.get("node").asText();
            sgdiskTypes.put(
                    Integer.parseInt(node.substring(node.lastIndexOf(".img") + 4)),
                    p.get("type").asText().toLowerCase(Locale.ROOT));
        }
        for (int i = 0; i < codes.size(); i++) {
            UUID ours = GptType.guid(codes.get(i));
            assertThat(ours.toString()).as("code %s", codes.get(i)).isEqualTo(sgdiskTypes.get(i + 1));
        }
    }
}
