package io.jdib.blockdevice.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SizeSpecTest {

    @ParameterizedTest(name = "{0} = {1} bytes")
    @CsvSource(delimiter = '|', textBlock = """
          0        | 0
          512      | 512
          512B     | 512
          1KiB     | 1024
          1MiB     | 1048576
          1GiB     | 1073741824
          1TiB     | 1099511627776
          2.5GiB   | 2684354560
          7.5GiB   | 8053063680
          12KB     | 12000
          1MB      | 1000000
          3G       | 3000000000
          1800M    | 1800000000
          1K       | 1000
          1T       | 1000000000000
          1GB      | 1000000000
          1.75TB   | 1750000000000
          100 MiB  | 104857600
          .5KiB    | 512
          1.0001KB | 1000
          """)
    void absoluteSizes(String text, long bytes) {
        assertThat(SizeSpec.parse(text)).isEqualTo(new SizeSpec.Absolute(bytes));
    }

    @ParameterizedTest(name = "{0} = {1}%")
    @CsvSource(delimiter = '|', textBlock = """
          100%  | 100
          50%   | 50
          33.3% | 33.3
          50.0% | 50
          0%    | 0
          """)
    void percentages(String text, String percent) {
        assertThat(SizeSpec.parse(text)).isEqualTo(new SizeSpec.Percent(new BigDecimal(percent)));
    }

    @ParameterizedTest(name = "{0} is rejected")
    @ValueSource(
            strings = {
                "",
                "GiB",
                "1gib",
                "1 GiBs",
                "1.2.3G",
                "-1G",
                "1e3",
                "1 %x",
                "ten",
                "1  MiB",
                "%",
                "99999999999TiB"
            })
    void badSizes(String text) {
        assertThatThrownBy(() -> SizeSpec.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("'" + text + "' is not a size");
    }

    @ParameterizedTest
    @ValueSource(strings = {"50%", "100%"})
    void absoluteOnlyRejectsPercentages(String text) {
        assertThatThrownBy(() -> SizeSpec.parseAbsolute(text)).isInstanceOf(IllegalArgumentException.class);
    }
}
