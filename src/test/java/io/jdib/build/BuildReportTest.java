package io.jdib.build;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class BuildReportTest {
    @Test
    void stepTimesAreJsonInTheOrderTheyRan() throws Exception {
        BuildReport report = new BuildReport(
                List.of(
                        new BuildReport.StepTime("resolve elements", Duration.ofMillis(40)),
                        new BuildReport.StepTime("install.d \"quoted\"", Duration.ofMillis(61_250))),
                List.of(Path.of("/out/x.qcow2")),
                Duration.ofMillis(90_000));

        JsonNode json = new ObjectMapper().readTree(report.toJson());

        assertThat(json.path("total_seconds").asDouble()).isEqualTo(90.0);
        assertThat(json.path("steps")).hasSize(2);
        assertThat(json.at("/steps/0/step").asText()).isEqualTo("resolve elements");
        assertThat(json.at("/steps/1/step").asText()).isEqualTo("install.d \"quoted\"");
        assertThat(json.at("/steps/1/seconds").asDouble()).isEqualTo(61.3);
    }
}
