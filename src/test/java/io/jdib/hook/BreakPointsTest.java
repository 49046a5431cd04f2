package io.jdib.hook;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.jdib.sys.UserError;
import org.junit.jupiter.api.Test;

class BreakPointsTest {
    @Test
    void dibsPointNamesAreThePhasesWithoutDotD() {
        BreakPoints points = BreakPoints.parse("before-install, after-finalise,after-error");
        assertThat(points.has(BreakPoints.before(Phase.INSTALL))).isTrue();
        assertThat(points.has(BreakPoints.after(Phase.FINALISE))).isTrue();
        assertThat(points.has(BreakPoints.AFTER_ERROR)).isTrue();
        assertThat(points.has("before-root")).isFalse();
        assertThat(BreakPoints.known()).contains("before-extra-data", "after-pre-finalise", "before-block-device");
    }

    @Test
    void emptyOrUnsetBreaksNowhere() {
        assertThat(BreakPoints.parse(null).points()).isEmpty();
        assertThat(BreakPoints.parse(" ").points()).isEmpty();
    }

    @Test
    void aPointThatDoesNotExistIsOneLineListingThoseThatDo() {
        assertThatThrownBy(() -> BreakPoints.parse("before-instal"))
                .isInstanceOf(UserError.class)
                .hasMessageStartingWith(
                        "break=before-instal: there is no break point 'before-instal'; use before-root,")
                .hasMessageEndingWith("the same with after-, or after-error")
                .hasMessageNotContaining("\n");
    }
}
