package io.jdib.cli;

import io.jdib.element.ElementPath;
import io.jdib.element.ElementResolution;
import io.jdib.element.Resolver;
import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
        name = "element-info",
        mixinStandardHelpOptions = true,
        versionProvider = Version.class,
        description = "Show the expanded element set in dependency order and why each element is in it.")
final class ElementInfoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--env", description = "Print DIB's IMAGE_ELEMENT and IMAGE_ELEMENT_YAML exports.")
    boolean env;

    @Option(names = "--with-base", description = "Add the implicit base element, as disk-image-create does.")
    boolean withBase;

    @Parameters(arity = "1..*", paramLabel = "ELEMENT")
    List<String> elements;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        ElementPath path = ElementPath.of(
                System.getenv("ELEMENTS_PATH"), Home.locate().resolve("elements"), w -> err.println("warning: " + w));
        ElementResolution resolution = new Resolver(path).resolve(elements, withBase, false);
        if (env) {
            out.println("export IMAGE_ELEMENT=" + quote(resolution.imageElement()));
            out.println("export IMAGE_ELEMENT_YAML=" + quote(resolution.imageElementYaml()));
            out.println("function get_image_element_array {");
            out.print("    declare -gA image_elements=(");
            resolution
                    .elements()
                    .forEach(r -> out.print(
                            " [" + r.name() + "]=" + quote(r.element().dir().toString())));
            out.println(" )");
            out.println("}");
            out.println("export -f get_image_element_array");
        } else {
            int width =
                    resolution.names().stream().mapToInt(String::length).max().orElse(0);
            for (ElementResolution.Resolved r : resolution.elements()) {
                out.printf("%-" + width + "s  %s  (%s)%n", r.name(), r.element().dir(), r.reason());
            }
            resolution.provided().forEach((name, by) -> out.printf("%-" + width + "s  provided by %s%n", name, by));
        }
        out.flush();
        return 0;
    }

    private static String quote(String s) {
        return "'" + s.replace("'", "'\\''") + "'";
    }
}
