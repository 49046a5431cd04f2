package io.jdib.cache;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;

/**
 * One thing in the image cache that pruning may remove.
 *
 * @param kind what it is, which decides its default minimum age
 * @param path the file or directory
 * @param bytes its size
 * @param lastUsed when a build last used (or wrote) it
 * @param description what it holds, for people
 */
public record CacheEntry(Kind kind, Path path, long bytes, Instant lastUsed, String description) {
    public enum Kind {
        /** A built tree saved after post-root.d ({@link Checkpoints}). */
        CHECKPOINT("checkpoint", Duration.ofHours(1)),
        /** A checkpoint whose writer died before finishing: never used, always removable. */
        ABANDONED("abandoned", Duration.ZERO),
        /** A bootstrapped base system (debian-minimal's tarball). */
        BASE_TREE("base tree", Duration.ofDays(1)),
        /** Downloaded packages kept for the next build of one release and architecture. */
        PACKAGES("packages", Duration.ofDays(1));

        private final String label;
        private final Duration defaultMinAge;

        Kind(String label, Duration defaultMinAge) {
            this.label = label;
            this.defaultMinAge = defaultMinAge;
        }

        public String label() {
            return label;
        }

        /** How long an unused entry of this kind is kept when {@code --min-age} is not given. */
        public Duration defaultMinAge() {
            return defaultMinAge;
        }
    }

    public Duration unusedFor(Instant now) {
        Duration d = Duration.between(lastUsed, now);
        return d.isNegative() ? Duration.ZERO : d;
    }
}
