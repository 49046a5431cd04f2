package io.jdib.image;

import java.util.List;
import java.util.Optional;

/** The outputs of one {@link ConversionRequest}, in the order the formats were requested. */
public record ConversionResult(List<ConvertedImage> outputs) {
    public ConversionResult {
        outputs = List.copyOf(outputs);
    }

    public Optional<ConvertedImage> output(DiskFormat format) {
        return outputs.stream().filter(o -> o.format() == format).findFirst();
    }
}
