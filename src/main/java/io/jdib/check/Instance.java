package io.jdib.check;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a boot check tells the guest, whichever way it is handed over: an instance id, a hostname, an
 * ssh public key, the user data, and the MAC of the guest's one network card.
 */
public record Instance(String id, String hostname, String publicKey, String userData, String mac) {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** OpenStack's {@code meta_data.json}, as a config drive and the metadata service serve it. */
    public String openStackMetaData() {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("uuid", uuid());
        doc.put("name", hostname);
        doc.put("hostname", hostname);
        doc.put("launch_index", 0);
        doc.put("availability_zone", "nova");
        doc.put("project_id", "jdib");
        doc.put("public_keys", Map.of("jdib-check", publicKey));
        doc.put("keys", List.of(Map.of("name", "jdib-check", "type", "ssh", "data", publicKey)));
        doc.put("meta", Map.of());
        doc.put("devices", List.of());
        return json(doc);
    }

    /** OpenStack's {@code network_data.json}: one link, by MAC, configured by DHCP. */
    public String openStackNetworkData() {
        return json(Map.of(
                "links", List.of(Map.of("id", "tap0", "type", "phy", "ethernet_mac_address", mac, "mtu", 1500)),
                "networks",
                        List.of(Map.of(
                                "id",
                                "network0",
                                "type",
                                "ipv4_dhcp",
                                "link",
                                "tap0",
                                "network_id",
                                "00000000-0000-4000-8000-000000000001")),
                "services", List.of()));
    }

    /** An UUID-shaped id derived from the instance id. */
    public String uuid() {
        String hex = (id + "000000000000000000000000000000").replaceAll("[^0-9a-f]", "0");
        return hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-4" + hex.substring(13, 16) + "-8"
                + hex.substring(17, 20) + "-" + hex.substring(20, 32);
    }

    private static String json(Object value) {
        try {
            return JSON.writeValueAsString(value) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
