package dev.burnrate.anomaly;

import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Root cause on hand-made breakdowns of one scope's day (team=fraud), usual day against today:
 * <pre>
 *   dimension   value                 usual    today    delta   share of +3,000
 *   model       fraud-detector        1,000    4,000   +3,000   1.00   (all of the team, as always: surprise 0)
 *   job         nightly-7               600      600        0
 *               (none)                  400      400        0
 *               retrain-loop-1            0    3,000   +3,000   1.00   (new: p 0, q 0.75)
 *   ResourceId  i-a, i-b              500 each  500 each     0
 *               i-n1 … i-n30              0  100 each    +100   0.03 each, 1.00 together (new)
 *   SubAccount  ml-training             700    3,700   +3,000   1.00   (p 0.7 → q 0.925)
 *               ml-inference            300      300        0
 * </pre>
 * Every dimension carries all 3,000 dollars; the new job says where they came from in one value.
 */
class RootCauseTest {
    private static Map<String, BigDecimal> m(Object... kv) {
        Map<String, BigDecimal> out = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) out.put((String) kv[i], new BigDecimal(kv[i + 1].toString()));
        return out;
    }

    static List<RootCause.Breakdown> fraudDay() {
        Map<String, BigDecimal> resourcesNow = m("i-a", 500, "i-b", 500);
        for (int i = 1; i <= 30; i++) resourcesNow.put(String.format("i-n%02d", i), new BigDecimal("100"));
        return List.of(
                new RootCause.Breakdown("model", m("fraud-detector", 4000), m("fraud-detector", 1000)),
                new RootCause.Breakdown("job", m("nightly-7", 600, "(none)", 400, "retrain-loop-1", 3000), m("nightly-7", 600, "(none)", 400)),
                new RootCause.Breakdown("ResourceId", resourcesNow, m("i-a", 500, "i-b", 500)),
                new RootCause.Breakdown("SubAccountId", m("ml-training", 3700, "ml-inference", 300), m("ml-training", 700, "ml-inference", 300)));
    }

    @Test
    void aScopeWhoseEveryDimensionHasItsOneUsualValue_stillNamesThem() {
        List<CostAnomaly.Contributor> cause = RootCause.rank(List.of(
                new RootCause.Breakdown("model", m("fraud-detector", 4000), m("fraud-detector", 1000)),
                new RootCause.Breakdown("project", m("fraud-platform", 4000), m("fraud-platform", 1000))), 1);
        assertThat(cause).extracting(CostAnomaly.Contributor::value).containsExactlyInAnyOrder("fraud-detector", "fraud-platform");
    }

    @Test
    void everyDimensionCarriesTheChange_theNewJobRanksFirst_andTheScopesOnlyModelIsNotListed() {
        List<CostAnomaly.Contributor> cause = RootCause.rank(fraudDay(), 1);
        // the scope has one model, as always: "model=fraud-detector, 100%" would only repeat the scope (a trial read
        // such rows as padding)
        assertThat(cause).extracting(CostAnomaly.Contributor::dimension).containsExactly("job", "ResourceId", "SubAccountId");
        CostAnomaly.Contributor job = cause.get(0);
        assertThat(job.value()).isEqualTo("retrain-loop-1");
        assertThat(job.delta()).isEqualByComparingTo("3000");
        assertThat(job.share()).isEqualByComparingTo("1.00");
        // thirty new instances of one size, none of them two thirds alone: named together, with their dollars
        CostAnomaly.Contributor fresh = cause.get(1);
        assertThat(fresh.value()).isEqualTo("30 new: i-n01, i-n02, i-n03, …");
        assertThat(fresh.delta()).isEqualByComparingTo("3000");
        assertThat(fresh.baseline()).isEqualByComparingTo("0");
    }

    @Test
    void surprise_isTheJensenShannonTermsOfTheNamedValues_zeroWhenTheMixDidNotMove() {
        List<RootCause.Breakdown> b = fraudDay();
        CostAnomaly.Contributor model = new CostAnomaly.Contributor("model", "fraud-detector", null, null, null, null);
        assertThat(RootCause.surprise(b.get(0), List.of(model))).isEqualTo(0.0);
        // new job: p = 0, q = 3000/4000 → ½ · q · ln 2
        CostAnomaly.Contributor job = new CostAnomaly.Contributor("job", "retrain-loop-1", null, null, null, null);
        assertThat(RootCause.surprise(b.get(1), List.of(job))).isCloseTo(0.5 * 0.75 * Math.log(2), within(1e-12));
        // ml-training: p = 0.7, q = 0.925, m = 0.8125
        CostAnomaly.Contributor account = new CostAnomaly.Contributor("SubAccountId", "ml-training", null, null, null, null);
        double p = 0.7, q = 0.925, mid = (p + q) / 2;
        assertThat(RootCause.surprise(b.get(3), List.of(account))).isCloseTo(0.5 * p * Math.log(p / mid) + 0.5 * q * Math.log(q / mid), within(1e-12));
    }

    /**
     * The demo's untagged spend the day after its cluster appeared (team=__unallocated__, rounded): usually the team's
     * EC2 is its credits, 1,700 below zero next to 3,000 of support and tax; today eleven new instances bill 9,400 and
     * EC2 nets 8,200. EC2 is not a value new to the mix (its credits were a quarter of it), the instances are: they
     * say where the money came from.
     */
    @Test
    void aValueWhoseUsualNetIsCredits_isNotNewToTheMix_theNewInstancesRankFirst() {
        Map<String, BigDecimal> instances = m("i-old", 500);
        for (int i = 0; i < 11; i++) instances.put("i-0untagged" + i, new BigDecimal("854.55"));
        List<RootCause.Breakdown> b = List.of(
                new RootCause.Breakdown("ServiceName", m("Amazon EC2", 8200, "AWS Support", 3000, "Tax", 2700),
                        m("Amazon EC2", -1700, "AWS Support", 3000, "Tax", 2500)),
                new RootCause.Breakdown("ResourceId", instances, m("i-old", 500)));
        List<CostAnomaly.Contributor> cause = RootCause.rank(b, 1);
        assertThat(cause.get(0).value()).isEqualTo("11 new: i-0untagged0, i-0untagged1, i-0untagged10, …");
        assertThat(cause.get(1).value()).isEqualTo("Amazon EC2");
        // EC2's usual share is of the money that moved either way: 1,700 of 7,200
        CostAnomaly.Contributor ec2 = new CostAnomaly.Contributor("ServiceName", "Amazon EC2", null, null, null, null);
        double p = 1700 / 7200.0, q = 8200 / 13900.0, mid = (p + q) / 2;
        assertThat(RootCause.surprise(b.get(0), List.of(ec2))).isCloseTo(0.5 * p * Math.log(p / mid) + 0.5 * q * Math.log(q / mid), within(1e-12));
    }

    /** The usual mix at the size the detector expected, so that the changes add up to the impact; never blown up. */
    @Test
    void usualMix_isScaledToTheExpectedAmount_unlessItHoldsCreditsOrIsFarFromIt() {
        RootCause.Breakdown b = new RootCause.Breakdown("job", m("retrain", 3000, "nightly", 600), m("nightly", 600, "etl", 400));
        RootCause.Breakdown at = Breakdowns.atExpected(b, new BigDecimal("1500"));
        assertThat(at.usual().get("nightly")).isEqualByComparingTo("900");
        assertThat(at.usual().get("etl")).isEqualByComparingTo("600");
        // actual 3,600 against an expected 1,500: the contributors' changes add up to the impact of 2,100
        BigDecimal changes = java.util.stream.Stream.concat(RootCause.all(List.of(at), 1).stream(), RootCause.all(List.of(at), -1).stream())
                .map(CostAnomaly.Contributor::delta).reduce(BigDecimal.ZERO, BigDecimal::add);
        assertThat(changes).isEqualByComparingTo("2100"); // retrain +3,000, nightly -300, etl -600
        // credits next to usage (a net of 10 from 3,000 and -2,990) would be scaled fifty times: left as it is
        RootCause.Breakdown credits = new RootCause.Breakdown("ServiceName", m("EC2", 500), m("EC2", -2990, "Support", 3000));
        assertThat(Breakdowns.atExpected(credits, new BigDecimal("500"))).isSameAs(credits);
        // an expected amount more than three times the weekdays' mean: the mix is no guide, left as it is
        assertThat(Breakdowns.atExpected(b, new BigDecimal("3001"))).isSameAs(b);
    }

    @Test
    void aDropIsExplainedByTheValuesThatFell_notByThoseThatRose() {
        List<RootCause.Breakdown> b = List.of(new RootCause.Breakdown("ServiceName",
                m("Amazon EC2", 200, "Amazon S3", 300), m("Amazon EC2", 1000, "Amazon S3", 250)));
        List<CostAnomaly.Contributor> cause = RootCause.rank(b, -1);
        assertThat(cause).singleElement().satisfies(c -> {
            assertThat(c.value()).isEqualTo("Amazon EC2");
            assertThat(c.delta()).isEqualByComparingTo("-800");
            assertThat(c.share()).isEqualByComparingTo("1.07"); // of a net -750: S3 rose by 50
        });
    }

    @Test
    void noValueOrFewNewOnesCarryTwoThirds_theDimensionRanksBelowOneThatDoes() {
        // three old resources each grew a little (no succinct explanation), the project is one value that is new
        List<RootCause.Breakdown> b = List.of(
                new RootCause.Breakdown("ResourceId", m("r1", 400, "r2", 400, "r3", 400, "r4", 400, "r5", 400), m("r1", 200, "r2", 200, "r3", 200, "r4", 200, "r5", 200)),
                new RootCause.Breakdown("project", m("old", 1000, "launch", 1000), m("old", 1000)));
        assertThat(RootCause.rank(b, 1)).extracting(c -> c.dimension() + "=" + c.value())
                .containsExactly("project=launch", "ResourceId=r1", "ResourceId=r2", "ResourceId=r3");
    }

    @Test
    void chargesWithoutTheColumn_sayNothing_soANamedValueRanksAboveNone() {
        // a bill that names no job: every charge of the scope is job (none), as the one resource is all of it
        List<RootCause.Breakdown> b = List.of(
                new RootCause.Breakdown("job", m("(none)", 3000), m("(none)", 800)),
                new RootCause.Breakdown("ResourceId", m("i-fraud-train", 3000), m("i-fraud-train", 800)));
        assertThat(RootCause.rank(b, 1)).extracting(c -> c.dimension() + "=" + c.value()).containsExactly("ResourceId=i-fraud-train", "job=(none)");
    }

    @Test
    void newValuesTogether_nameTheLargestFirst_andStayOneCauseFromDayToDay_whileTheirValuesAreNew() {
        // eight cluster instances at 1,100 and three small training instances at 168: the cluster leads the list
        Map<String, BigDecimal> now = m("old", 1000);
        for (int i = 0; i < 8; i++) now.put("i-0untagged" + i, new BigDecimal("1100"));
        for (String g : List.of("gce-a", "gce-b", "gce-c")) now.put(g, new BigDecimal("168"));
        List<CostAnomaly.Contributor> cause = RootCause.rank(List.of(new RootCause.Breakdown("ResourceId", now, m("old", 1000))), 1);
        assertThat(cause.get(0).value()).isEqualTo("11 new: i-0untagged0, i-0untagged1, i-0untagged2, …");
        // the day before, the same cluster led with other instances of it: the same cause, as they are new today too
        List<RootCause.Breakdown> today = List.of(new RootCause.Breakdown("ResourceId", now, m("old", 1000)));
        List<CostAnomaly.Contributor> moving = RootCause.all(today, 1);
        CostAnomaly.Contributor dayBefore = new CostAnomaly.Contributor("ResourceId", "8 new: i-0untagged3, i-0untagged7, i-0untagged5, …", null, null, null, null);
        assertThat(RootCause.sameCause(dayBefore, cause.get(0), moving)).isTrue();
        // other new instances (a runaway's training fleet, then or now) are another cause; so is one instance or a job
        CostAnomaly.Contributor training = new CostAnomaly.Contributor("ResourceId", "80 new: i-82d2-training, i-8455-training, i-88a9-training, …", null, null, null, null);
        assertThat(RootCause.sameCause(training, cause.get(0), moving)).isFalse();
        assertThat(RootCause.sameCause(dayBefore, training, List.of())).isFalse();
        assertThat(RootCause.sameCause(new CostAnomaly.Contributor("ResourceId", "i-0untagged0", null, null, null, null), cause.get(0), moving)).isFalse();
        assertThat(RootCause.sameCause(new CostAnomaly.Contributor("job", "8 new: a, b, c, …", null, null, null, null), cause.get(0), moving)).isFalse();
    }

    @Test
    void onAnotherIncidentsDay_aClusterThatRanAllLastWeekIsNotAmongTheNewValues_butOnItsOwnSecondDayItStillIs() {
        // the runaway's Tuesday on EC2: eighty-nine new training instances at 360 carry the day; the untagged cluster's
        // eight instances at 1,100 have run since last Wednesday, never on a Tuesday before
        Map<String, BigDecimal> now = m("old", 1000);
        java.util.Set<String> lastWeek = new java.util.TreeSet<>(List.of("old"));
        for (int i = 0; i < 8; i++) {
            now.put("i-0untagged" + i, new BigDecimal("1100"));
            lastWeek.add("i-0untagged" + i);
        }
        for (int i = 10; i < 99; i++) now.put("i-" + i + "-training", new BigDecimal("360"));
        List<CostAnomaly.Contributor> cause = RootCause.rank(List.of(new RootCause.Breakdown("ResourceId", now, m("old", 1000), lastWeek)), 1);
        assertThat(cause.get(0).value()).isEqualTo("89 new: i-10-training, i-11-training, i-12-training, …");
        assertThat(cause.get(0).delta()).isEqualByComparingTo("32040");
        // the cluster's second day: nothing but its own instances is new, and they ran the day before: they are still
        // what the weekdays lack, and the same cause as the day before
        Map<String, BigDecimal> second = m("old", 1000);
        for (int i = 0; i < 8; i++) second.put("i-0untagged" + i, new BigDecimal("1100"));
        List<RootCause.Breakdown> day2 = List.of(new RootCause.Breakdown("ResourceId", second, m("old", 1000), lastWeek));
        List<CostAnomaly.Contributor> cause2 = RootCause.rank(day2, 1);
        assertThat(cause2.get(0).value()).isEqualTo("8 new: i-0untagged0, i-0untagged1, i-0untagged2, …");
        CostAnomaly.Contributor firstDay = new CostAnomaly.Contributor("ResourceId", "8 new: i-0untagged3, i-0untagged7, i-0untagged5, …", null, null, null, null);
        assertThat(RootCause.sameCause(firstDay, cause2.get(0), RootCause.all(day2, 1))).isTrue();
    }

    @Test
    void aValuesSpend_isTheLedgersExactAmount_andNewValuesTogetherAddUpExactly_whileTheUsualIsInCents() {
        // two cluster instances whose day cost fractions of a cent: together 2,261.0156, not the sum of their cents
        List<RootCause.Breakdown> b = List.of(new RootCause.Breakdown("ResourceId",
                m("old", "1000", "i-0untagged0", "1130.5078", "i-0untagged1", "1130.5078"), m("old", "1000.004")));
        List<CostAnomaly.Contributor> cause = RootCause.all(b, 1);
        assertThat(cause).extracting(c -> c.value() + " " + c.actual().toPlainString() + " " + c.baseline().toPlainString())
                .containsExactly("i-0untagged0 1130.5078 0.00", "i-0untagged1 1130.5078 0.00");
        Map<String, BigDecimal> many = m("old", "1000");
        for (int i = 0; i < 5; i++) many.put("i-0untagged" + i, new BigDecimal("1130.5078"));
        CostAnomaly.Contributor together = RootCause.rank(List.of(new RootCause.Breakdown("ResourceId", many, m("old", "1000"))), 1).get(0);
        assertThat(together.value()).startsWith("5 new:");
        assertThat(together.actual()).isEqualByComparingTo("5652.5390");
        assertThat(RootCause.all(List.of(new RootCause.Breakdown("ResourceId", m("old", "1200.25"), m("old", "1000.004"))), 1).get(0).baseline())
                .isEqualByComparingTo("1000.00");
    }
}
