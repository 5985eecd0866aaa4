package org.sparkadadelta.spark;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** A small three-class CSV dataset and a job config training an MLP on it with checkpoints, for the ITs. */
final class JobInput {
    private JobInput() {
    }

    /**
     * Writes {@code rows} rows of label,a,b,c,d under {@code dir} and a config for {@code epochs} epochs of
     * batch 20 over {@code partitions} partitions, checkpointing every 25 steps (keeping 2) and at the end.
     */
    static Path config(Path dir, int rows, int partitions, int epochs) throws Exception {
        Path csv = csv(dir.resolve("train.csv"), rows);
        String data = "{\"format\": \"csv\", \"path\": \"" + csv + "\"}";
        return Files.writeString(dir.resolve("job.json"), "{"
                + "\"name\": \"it\", \"spark\": {\"master\": \"local[2]\"},"
                + "\"data\": {\"train\": " + data + ", \"partitions\": " + partitions + ", \"block_rows\": 500},"
                + "\"model\": {\"type\": \"mlp\", \"hidden\": [16], \"classes\": 3},"
                + "\"training\": {\"epochs\": " + epochs + ", \"batch_size\": 20},"
                + "\"optimizer\": {\"class_name\": \"Adadelta\", \"config\": {\"learning_rate\": 1.0, "
                + "  \"use_ema\": true, \"gradient_accumulation_steps\": 3}},"
                + "\"output\": {\"path\": \"unused\"},"
                + "\"checkpoint\": {\"every_steps\": 25, \"keep\": 2}}");
    }

    private static Path csv(Path file, int rows) throws Exception {
        Random r = new Random(3);
        List<String> lines = new ArrayList<>(List.of("label,a,b,c,d"));
        for (int i = 0; i < rows; i++) {
            int c = r.nextInt(3);
            lines.add(c + "," + (r.nextGaussian() + c) + "," + r.nextGaussian() + "," + (r.nextGaussian() - c) + ","
                    + r.nextGaussian());
        }
        return Files.write(file, lines);
    }
}
