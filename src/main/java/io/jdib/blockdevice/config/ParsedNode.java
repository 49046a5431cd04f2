package io.jdib.blockdevice.config;

import io.jdib.sys.SourcePosition;

/** A node and the mapping it was read from, so later checks can point at a key's value. */
record ParsedNode(NodeConfig node, YamlMap map) {

    SourcePosition positionOf(String key) {
        return map.positionOf(key);
    }
}
