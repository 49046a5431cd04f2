package io.jdib.cli;

import picocli.CommandLine.IVersionProvider;

/** What {@code --version} prints, the same for every command. */
final class Version implements IVersionProvider {
    static final String TEXT = "jdib 0.1.0";

    @Override
    public String[] getVersion() {
        return new String[] {TEXT};
    }
}
