import dev.burnrate.anomaly.GenericSeries;
import dev.burnrate.anomaly.SeriesDetector;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Writes detections for every series of a labelled data folder (same relative paths) for the scorers in
 * ../shared/tools. Usage: AnomalyEval DATA OUT ROBUST|BASELINE [threshold fullEvidence cusumDrift seasons]
 * (the optional four override SeriesDetector's defaults, for a sweep; the figures reported use the defaults).
 */
public class AnomalyEval {
    public static void main(String[] a) throws Exception {
        Path data = Path.of(a[0]);
        Path out = Path.of(a[1]);
        GenericSeries.Method m = GenericSeries.Method.valueOf(a[2]);
        SeriesDetector.Settings s = a.length > 3
                ? new SeriesDetector.Settings(Double.parseDouble(a[3]), Double.parseDouble(a[4]), Double.parseDouble(a[5]), Integer.parseInt(a[6]))
                : SeriesDetector.Settings.defaults();
        try (Stream<Path> files = Files.walk(data)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".csv")).sorted().toList()) {
                GenericSeries.Series series = GenericSeries.read(f, "TimeStamp", "Value");
                GenericSeries.write(out.resolve(data.relativize(f)), series, GenericSeries.score(series, m, s));
            }
        }
    }
}
