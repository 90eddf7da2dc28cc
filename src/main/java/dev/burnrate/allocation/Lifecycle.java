package dev.burnrate.allocation;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Training vs inference spend per model and month: the model's lifecycle view. */
public final class Lifecycle {
    private final JobCosts jobCosts;
    private final JobRuns jobs;
    private final InferenceEconomics inference;

    public Lifecycle(JobRuns jobs, JobCosts jobCosts, InferenceEconomics inference) {
        this.jobs = jobs;
        this.jobCosts = jobCosts;
        this.inference = inference;
    }

    public record Line(String model, YearMonth month, String currency, BigDecimal training, BigDecimal inference) {
        public BigDecimal total() {
            return training.add(inference);
        }
    }

    public List<Line> byModel(YearMonth from, YearMonth toInclusive) {
        Map<String, BigDecimal[]> acc = new TreeMap<>(); // model|month|currency -> [training, inference]
        for (JobCosts.JobCost c : jobCosts.costs(jobs.list(null, null, 1_000_000))) {
            if (c.cost() == null || c.job().start() == null || c.job().model() == null) continue;
            YearMonth m = YearMonth.from(c.job().start().atOffset(ZoneOffset.UTC));
            if (m.isBefore(from) || m.isAfter(toInclusive)) continue;
            acc.computeIfAbsent(c.job().model() + "|" + m + "|" + c.cost().currency(), k -> zero())[0] =
                    acc.get(c.job().model() + "|" + m + "|" + c.cost().currency())[0].add(c.cost().amount());
        }
        for (YearMonth m = from; !m.isAfter(toInclusive); m = m.plusMonths(1)) {
            Instant s = m.atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            Instant e = m.plusMonths(1).atDay(1).atStartOfDay().toInstant(ZoneOffset.UTC);
            for (InferenceEconomics.Line l : inference.by("model", s, e)) {
                if (l.cost() == null) continue;
                BigDecimal[] a = acc.computeIfAbsent(l.key() + "|" + m + "|" + l.currency(), k -> zero());
                a[1] = a[1].add(l.cost());
            }
        }
        List<Line> out = new ArrayList<>();
        acc.forEach((k, v) -> {
            String[] p = k.split("\\|");
            out.add(new Line(p[0], YearMonth.parse(p[1]), p[2], v[0], v[1]));
        });
        return out;
    }

    private static BigDecimal[] zero() {
        return new BigDecimal[]{BigDecimal.ZERO, BigDecimal.ZERO};
    }
}
