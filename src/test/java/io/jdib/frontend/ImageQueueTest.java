package io.jdib.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdib.event.BuildEvent;
import io.jdib.event.RecordingSink;
import io.jdib.sys.Interrupted;
import io.jdib.sys.UserError;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ImageQueueTest {
    private static final List<ImageDefinition> IMAGES = ImageDefinitions.parse("""
            - imagename: a
              elements: [debian-minimal]
            - imagename: b
              elements: [debian-minimal]
            - imagename: c
              ramdisk: true
              elements: [debian-minimal]
            """, "images.yaml");

    private final RecordingSink events = new RecordingSink();
    private final List<String> built = new ArrayList<>();

    /** Builds every image but b, which fails. */
    private List<Path> build(ImageDefinition image) {
        built.add(image.name());
        if (image.name().equals("b")) {
            throw new UserError("element 'nope' not found");
        }
        return List.of(Path.of("/out/" + image.name() + ".qcow2"));
    }

    @Test
    void aFailureDoesNotStopTheImagesAfterIt() {
        List<ImageQueue.Outcome> outcomes = ImageQueue.run(IMAGES, false, this::build, events);

        assertThat(built).containsExactly("a", "b", "c");
        assertThat(outcomes)
                .extracting(ImageQueue.Outcome::status)
                .containsExactly(
                        BuildEvent.ImageStatus.BUILT, BuildEvent.ImageStatus.FAILED, BuildEvent.ImageStatus.BUILT);
        assertThat(events.ofType(BuildEvent.Info.class))
                .extracting(BuildEvent.Info::message)
                .containsExactly(
                        "==> image 1 of 3: disk-image-create -o a debian-minimal",
                        "==> image 2 of 3: disk-image-create -o b debian-minimal",
                        "==> image 3 of 3: ramdisk-image-create -o c debian-minimal");
        BuildEvent.ImagesSummary summary =
                events.ofType(BuildEvent.ImagesSummary.class).get(0);
        assertThat(summary.images())
                .extracting(
                        BuildEvent.ImageResult::image, BuildEvent.ImageResult::command, BuildEvent.ImageResult::status)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("a", "disk-image-create", BuildEvent.ImageStatus.BUILT),
                        org.assertj.core.groups.Tuple.tuple("b", "disk-image-create", BuildEvent.ImageStatus.FAILED),
                        org.assertj.core.groups.Tuple.tuple("c", "ramdisk-image-create", BuildEvent.ImageStatus.BUILT));
        assertThat(summary.images().get(0).outputs()).containsExactly("a.qcow2");
        assertThat(summary.images().get(1).error()).isEqualTo("element 'nope' not found");
    }

    @Test
    void stopOnFailureSkipsTheRest() {
        List<ImageQueue.Outcome> outcomes = ImageQueue.run(IMAGES, true, this::build, events);

        assertThat(built).containsExactly("a", "b");
        assertThat(outcomes)
                .extracting(ImageQueue.Outcome::status)
                .containsExactly(
                        BuildEvent.ImageStatus.BUILT, BuildEvent.ImageStatus.FAILED, BuildEvent.ImageStatus.SKIPPED);
        assertThat(events.ofType(BuildEvent.ImagesSummary.class)).hasSize(1);
    }

    @Test
    void anInterruptionStopsEverything() {
        assertThatThrownBy(() -> ImageQueue.run(
                        IMAGES,
                        false,
                        image -> {
                            throw new Interrupted("SIGTERM");
                        },
                        events))
                .isInstanceOf(Interrupted.class);
        assertThat(events.ofType(BuildEvent.ImagesSummary.class)).isEmpty();
    }
}
