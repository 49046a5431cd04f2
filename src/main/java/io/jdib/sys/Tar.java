package io.jdib.sys;

import java.util.List;

/** GNU tar as jdib uses it for root trees. */
public final class Tar {
    private Tar() {}

    /**
     * What a root tree needs to come back the same from an archive: numeric owners (the host's
     * names mean nothing in the image), every extended attribute (file capabilities, SELinux
     * labels) and ACLs. Java cannot see most of these, so trees are archived with tar.
     */
    public static final List<String> KEEP_EVERYTHING =
            List.of("--numeric-owner", "--xattrs", "--xattrs-include=*", "--acls");
}
