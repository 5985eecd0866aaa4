package org.sparkadadelta.spark.notebook;

import java.awt.image.RenderedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import javax.imageio.ImageIO;

/**
 * The notebook side of JJava's {@code display(Object)}, which Java cells call without an import (JJava
 * imports its notebook statics statically at startup, and so does {@link JShellKernel}): an image
 * ({@code RenderedImage}, e.g. a chart's {@code BufferedImage}) becomes {@code image/png}, anything else
 * {@code text/plain}, as JJava's renderer does. Cells run in this JVM, so the call reaches the kernel directly.
 */
public final class JupyterDisplay {
    private static volatile Consumer<Map<String, String>> sink = data -> {
        throw new IllegalStateException("display(...) outside a notebook cell");
    };

    private JupyterDisplay() {
    }

    static void sendTo(Consumer<Map<String, String>> displays) {
        sink = displays;
    }

    /** Shows {@code o} in the cell's output; returns the display's id, as JJava does. */
    public static String display(Object o) {
        Map<String, String> data = new LinkedHashMap<>();
        if (o instanceof RenderedImage image) {
            data.put("image/png", png(image));
            data.put("text/plain", "<image " + image.getWidth() + "x" + image.getHeight() + ">");
        } else {
            data.put("text/plain", String.valueOf(o));
        }
        sink.accept(data);
        return UUID.randomUUID().toString();
    }

    private static String png(RenderedImage image) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Base64.getEncoder().encodeToString(bytes.toByteArray());
    }
}
