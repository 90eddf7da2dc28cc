package dev.burnrate.forecast;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class DailyForecasterTest {
    private final DailyForecaster f = new DailyForecaster();

    /**
     * Weekdays 100, weekends 40, no noise, 8 weeks starting on a Monday. By hand: weekly mean 82.857..., profile
     * 100 / 82.857 = 1.2069 on weekdays and 40 / 82.857 = 0.4828 on weekends, level 82.857, trend 0:
     * the forecast is exactly 100 on weekdays and 40 on weekends.
     */
    @Test
    void forecast_pureWeeklyPattern_isReproducedDayByDay() {
        double[] y = new double[56];
        for (int t = 0; t < y.length; t++) y[t] = t % 7 >= 5 ? 40 : 100;
        DailyForecaster.Point[] p = f.forecast(y, 0, 14, 0.8);
        for (DailyForecaster.Point pt : p) {
            int dow = (56 + pt.dayOffset() - 1) % 7;
            assertThat(pt.expected()).as("day %d", pt.dayOffset()).isCloseTo(dow >= 5 ? 40 : 100, within(1e-6));
            assertThat(pt.low()).isLessThanOrEqualTo(pt.expected());
            assertThat(pt.high()).isGreaterThanOrEqualTo(pt.expected());
        }
    }

    @Test
    void forecast_steadyGrowth_projectsAboveTheRunRate() {
        double[] y = new double[60];
        for (int t = 0; t < y.length; t++) y[t] = 1000 + 10 * t; // +10 a day: the last day is 1590
        DailyForecaster.Point[] p = f.forecast(y, 0, 7, 0.8);
        double runRate = DailyForecaster.runRate(y, 7, 0.8)[0].expected(); // mean of the last 7 days = 1560
        assertThat(runRate).isCloseTo(1560, within(1e-9));
        assertThat(p[0].expected()).isGreaterThan(1590);
        assertThat(p[6].expected()).isGreaterThan(p[0].expected());
    }

    @Test
    void forecast_intervalWidensWithTheHorizon() {
        SplittableRandom rnd = new SplittableRandom(1);
        double[] y = new double[90];
        for (int t = 0; t < y.length; t++) y[t] = 500 * (1 + 0.1 * rnd.nextGaussian());
        DailyForecaster.Point[] p = f.forecast(y, 0, 30, 0.8);
        assertThat(p[29].high() - p[29].low()).isGreaterThanOrEqualTo(p[0].high() - p[0].low());
        assertThat(p[0].expected()).isBetween(400.0, 600.0);
    }

    @Test
    void backtest_seasonalGrowingSpend_modelBeatsRunRateAndCoversNearNominal() {
        SplittableRandom rnd = new SplittableRandom(2);
        double[] y = new double[120];
        for (int t = 0; t < y.length; t++) y[t] = (t % 7 >= 5 ? 600 : 1000) * (1 + 0.004 * t) * (1 + 0.05 * rnd.nextGaussian());
        Backtest.Score s = Backtest.run("spend", y, 0, 14, 28, 7, 0.8);
        assertThat(s.origins()).isGreaterThan(5);
        assertThat(s.modelMape()).isLessThan(s.baselineMape() / 2);
        assertThat(s.modelCoverage()).isBetween(0.6, 1.0);
    }

    /**
     * A team at 4,000 on weekdays and 2,800 at weekends (10% noise) that runs 12,000 more on 1-3 days in a row, such a run
     * starting on 5% of days (the demo's llm-platform looks like this): 300 draws of 65 days of history and the 27 days
     * after them, as a budget's month-end forecast sees them. The 80% interval of the 27 days' total holds the actual
     * total about as often as it says (79%), at 38% of the width of the daily bounds added (which covered 94%), and its
     * low end is a sum a practitioner can plan with (added, the daily lows were 0 on every day of a run's weeks).
     */
    @Test
    void totalInterval_ofBurstySpend_coversNearItsCoverage_atAFractionOfTheDailyBoundsAdded() {
        int draws = 300;
        int covered = 0;
        double width = 0;
        double addedWidth = 0;
        double lowShare = 0;
        for (long seed = 1; seed <= draws; seed++) {
            SplittableRandom rnd = new SplittableRandom(seed);
            double[] y = new double[65 + 27];
            int run = 0;
            for (int t = 0; t < y.length; t++) {
                y[t] = (t % 7 >= 5 ? 2800 : 4000) * (1 + 0.1 * rnd.nextGaussian());
                if (run == 0 && rnd.nextDouble() < 0.05) run = 1 + rnd.nextInt(3);
                if (run > 0) {
                    y[t] += 12000;
                    run--;
                }
            }
            double[] history = java.util.Arrays.copyOf(y, 65);
            DailyForecaster.Projection projection = f.project(history, 0, 27, 0.8);
            DailyForecaster.Point[] days = projection.days();
            double[] total = {projection.totalLow(), projection.totalHigh()};
            double actual = java.util.Arrays.stream(y, 65, y.length).sum();
            double expected = java.util.Arrays.stream(days).mapToDouble(DailyForecaster.Point::expected).sum();
            if (actual >= total[0] && actual <= total[1]) covered++;
            width += total[1] - total[0];
            addedWidth += java.util.Arrays.stream(days).mapToDouble(d -> d.high() - d.low()).sum();
            lowShare += total[0] / expected;
        }
        assertThat(covered / (double) draws).isBetween(0.72, 0.92);
        assertThat(width / addedWidth).isLessThan(0.5);
        assertThat(lowShare / draws).isGreaterThan(0.5);
    }

    @Test
    void totalInterval_withTooShortAHistory_isTheDailyBoundsAdded() {
        double[] history = {100, 110, 90, 105};
        DailyForecaster.Projection projection = f.project(history, 0, 3, 0.8);
        DailyForecaster.Point[] days = projection.days();
        double[] total = {projection.totalLow(), projection.totalHigh()};
        assertThat(total[0]).isCloseTo(java.util.Arrays.stream(days).mapToDouble(DailyForecaster.Point::low).sum(), within(1e-9));
        assertThat(total[1]).isCloseTo(java.util.Arrays.stream(days).mapToDouble(DailyForecaster.Point::high).sum(), within(1e-9));
    }

    @Test
    void forecast_withoutHistory_isRefused() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> f.forecast(new double[0], 0, 7, 0.8))
                .hasMessageContaining("no history");
    }
}
