package dev.burnrate.app;

import dev.burnrate.allocation.DimensionRefresh;
import dev.burnrate.ledger.CostBasis;
import dev.burnrate.ledger.CostQuery;
import dev.burnrate.ledger.Field;
import dev.burnrate.ledger.Granularity;
import dev.burnrate.store.DuckTagSets;
import dev.burnrate.testing.TestLedger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BurnrateConfigTest {
    @TempDir
    Path dir;

    @Test
    void load_tagMapWithKeysAliasesAndDefault_mapsTagsCaseInsensitively() throws Exception {
        Path yaml = Files.writeString(dir.resolve("burnrate.yaml"), """
                tagMap:
                  team:
                    keys: [owner_team, Team]
                    normalize: slug
                    aliases: {ml-platform: platform}
                  environment:
                    keys: [env]
                    default: prod
                """);
        BurnrateConfig c = BurnrateConfig.load(yaml);
        Map<String, String> dims = c.tagMap().apply("{\"TEAM\": \"ML Platform\", \"project\": \"x\"}");
        assertThat(dims).containsEntry("team", "platform").containsEntry("environment", "prod").containsEntry("project", "x")
                .containsEntry("customer", "__unallocated__");
    }

    @Test
    void load_unknownDimension_failsNamingFileLineAndKey() throws Exception {
        Path yaml = Files.writeString(dir.resolve("burnrate.yaml"), "tagMap:\n  team:\n    keys: [team]\n  colour:\n    keys: [c]\n");
        assertThatThrownBy(() -> BurnrateConfig.load(yaml)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("burnrate.yaml:4").hasMessageContaining("tagMap.colour").hasMessageContaining("unknown dimension");
    }

    @Test
    void load_channelUrlThatIsNotHttp_failsNamingFileLineAndKey() throws Exception {
        Path yaml = Files.writeString(dir.resolve("burnrate.yaml"), """
                channels:
                  ok: {type: slack, url: https://hooks.slack.com/services/T/B/x}
                  ops:
                    type: webhook
                    url: file:///etc/passwd
                    secret: s
                """);
        assertThatThrownBy(() -> BurnrateConfig.load(yaml)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("burnrate.yaml:5").hasMessageContaining("channels.ops.url").hasMessageContaining("not an http or https URL");
    }

    @Test
    void load_sources_relativePathsFollowTheFile_defaultsApply_andAMisplacedSettingNamesItsLine() throws Exception {
        Path ok = Files.writeString(dir.resolve("ok.yaml"), """
                sources:
                  - {name: drop, path: exports}
                  - {name: aws, type: folder, path: /data/cur, every: 1h, staleAfter: 2d}
                  - {name: lab, type: s3, bucket: billing, prefix: /focus/acme, region: us-east-1, endpoint: "http://127.0.0.1:9000", pathStyle: true}
                """);
        BurnrateConfig c = BurnrateConfig.load(ok);
        assertThat(c.sources()).hasSize(3);
        assertThat(c.sources().get(0).location()).isEqualTo(new dev.burnrate.intake.BillSources.Folder(dir.toAbsolutePath().resolve("exports")));
        assertThat(c.sources().get(0).every()).isEqualTo(java.time.Duration.ofMinutes(5));
        assertThat(c.sources().get(1).staleAfter()).isEqualTo(java.time.Duration.ofDays(2));
        assertThat(c.sources().get(2).location()).isEqualTo(new dev.burnrate.intake.BillSources.S3(new dev.burnrate.intake.S3Store.Location(
                "billing", "focus/acme", "us-east-1", java.net.URI.create("http://127.0.0.1:9000"), true)));

        Path bad = Files.writeString(dir.resolve("bad.yaml"), "sources:\n  - name: s3\n    type: s3\n    bucket: b\n    region: eu-west-1\n    path: billing\n");
        assertThatThrownBy(() -> BurnrateConfig.load(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad.yaml:6").hasMessageContaining("sources[0].path").hasMessageContaining("not a setting of a s3 source");
        Path ftp = Files.writeString(dir.resolve("ftp.yaml"), "sources:\n  - {name: x, type: s3, bucket: b, region: r,\n     endpoint: 'ftp://h/'}\n");
        assertThatThrownBy(() -> BurnrateConfig.load(ftp)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("ftp.yaml:3").hasMessageContaining("expected an http or https URL");
        Path gcs = Files.writeString(dir.resolve("gcs.yaml"), "sources:\n  - name: g\n    type: gcs\n");
        assertThatThrownBy(() -> BurnrateConfig.load(gcs)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("gcs.yaml:3").hasMessageContaining("expected folder or s3");
    }

    @Test
    void load_allowedHosts_areReadAndAUrlInPlaceOfAHostIsRefused() throws Exception {
        Path ok = Files.writeString(dir.resolve("ok.yaml"), """
                server:
                  allowedHosts: [Burnrate.Acme.Internal]
                actuators:
                  allowedHosts: [argo.acme.internal, "*.jobs.acme.internal"]
                """);
        BurnrateConfig c = BurnrateConfig.load(ok);
        assertThat(c.hosts().server()).containsExactly("burnrate.acme.internal");
        assertThat(c.hosts().actuators()).containsExactly("argo.acme.internal", "*.jobs.acme.internal");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "actuators:\n  allowedHosts:\n    - http://argo.acme.internal:8080\n");
        assertThatThrownBy(() -> BurnrateConfig.load(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad.yaml:3").hasMessageContaining("actuators.allowedHosts").hasMessageContaining("not a host name");
    }

    @Test
    void load_anomalyThresholds_defaultsWhenAbsent_valuesWhenGiven_badOnesNameTheirLine() throws Exception {
        assertThat(BurnrateConfig.load(Files.writeString(dir.resolve("none.yaml"), "tagMap: {}\n")).anomalies())
                .isEqualTo(new dev.burnrate.anomaly.CostAnomalies.Thresholds(new java.math.BigDecimal("100"), new java.math.BigDecimal("20"), false));
        Path ok = Files.writeString(dir.resolve("ok.yaml"), "anomalies:\n  minImpact: 2500.50\n  minPercent: 35\n  decreases: true\n");
        assertThat(BurnrateConfig.load(ok).anomalies())
                .isEqualTo(new dev.burnrate.anomaly.CostAnomalies.Thresholds(new java.math.BigDecimal("2500.50"), new java.math.BigDecimal("35"), true));
        Path neg = Files.writeString(dir.resolve("neg.yaml"), "anomalies:\n  minPercent: 20\n  minImpact: -1\n");
        assertThatThrownBy(() -> BurnrateConfig.load(neg)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("neg.yaml:3").hasMessageContaining("anomalies.minImpact").hasMessageContaining("must not be negative");
        Path yes = Files.writeString(dir.resolve("yes.yaml"), "anomalies:\n  decreases: yes please\n");
        assertThatThrownBy(() -> BurnrateConfig.load(yes)).hasMessageContaining("yes.yaml:2").hasMessageContaining("anomalies.decreases")
                .hasMessageContaining("not true or false");
        Path typo = Files.writeString(dir.resolve("typo.yaml"), "anomalies:\n  minImpactUsd: 100\n");
        assertThatThrownBy(() -> BurnrateConfig.load(typo)).hasMessageContaining("typo.yaml:2").hasMessageContaining("unknown key");
    }

    @Test
    void load_recommendationAlertThreshold_defaults500_valueWhenGiven_badOnesNameTheirLine() throws Exception {
        assertThat(BurnrateConfig.load(Files.writeString(dir.resolve("none.yaml"), "tagMap: {}\n")).recommendations().alertAbove())
                .isEqualByComparingTo("500");
        assertThat(BurnrateConfig.load(Files.writeString(dir.resolve("ok.yaml"), "recommendations:\n  alertAbove: 1250.5\n")).recommendations().alertAbove())
                .isEqualByComparingTo("1250.5");
        Path neg = Files.writeString(dir.resolve("neg.yaml"), "tagMap: {}\nrecommendations:\n  alertAbove: -5\n");
        assertThatThrownBy(() -> BurnrateConfig.load(neg)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("neg.yaml:3").hasMessageContaining("recommendations.alertAbove").hasMessageContaining("must not be negative");
        Path word = Files.writeString(dir.resolve("word.yaml"), "recommendations:\n  alertAbove: lots\n");
        assertThatThrownBy(() -> BurnrateConfig.load(word)).hasMessageContaining("word.yaml:2").hasMessageContaining("not a number");
        Path typo = Files.writeString(dir.resolve("typo.yaml"), "recommendations:\n  alertOver: 100\n");
        assertThatThrownBy(() -> BurnrateConfig.load(typo)).hasMessageContaining("typo.yaml:2").hasMessageContaining("recommendations.alertOver")
                .hasMessageContaining("unknown key");
    }

    @Test
    void load_infrequentAccessRatio_replacesTheBundledOneWithItsSource_badOnesNameTheirLine() throws Exception {
        java.util.function.Function<BurnrateConfig, dev.burnrate.recommend.StorageTier> azure = c -> c.savings().storageTiers().stream()
                .filter(t -> t.provider().equals("Azure")).findFirst().orElseThrow();
        BurnrateConfig none = BurnrateConfig.load(Files.writeString(dir.resolve("none.yaml"), "tagMap: {}\n"));
        assertThat(azure.apply(none).priced()).isFalse();
        assertThat(none.savings().storageTiers()).filteredOn(t -> t.provider().equals("AWS")).singleElement()
                .satisfies(t -> assertThat(t.infrequentPrice().divide(t.standardPrice(), 6, java.math.RoundingMode.HALF_EVEN)).isEqualByComparingTo("0.543478"));
        BurnrateConfig ok = BurnrateConfig.load(Files.writeString(dir.resolve("ok.yaml"),
                "recommendations:\n  alertAbove: 100\n  infrequentAccess:\n    Microsoft: {ratio: 0.55, source: \"Hot 0.018 / Cool 0.0099, price sheet\"}\n"));
        assertThat(ok.recommendations().alertAbove()).isEqualByComparingTo("100");
        assertThat(azure.apply(ok).infrequentPrice()).isEqualByComparingTo("0.55");
        assertThat(azure.apply(ok).priceSource()).isEqualTo("Hot 0.018 / Cool 0.0099, price sheet (burnrate.yaml)");
        Path one = Files.writeString(dir.resolve("one.yaml"), "recommendations:\n  infrequentAccess:\n    AWS: {ratio: 1, source: x}\n");
        assertThatThrownBy(() -> BurnrateConfig.load(one)).isInstanceOf(ConfigException.class).hasMessageContaining("one.yaml:3")
                .hasMessageContaining("recommendations.infrequentAccess.AWS.ratio").hasMessageContaining("below 1");
        Path nosource = Files.writeString(dir.resolve("nosource.yaml"), "recommendations:\n  infrequentAccess:\n    AWS: {ratio: 0.5}\n");
        assertThatThrownBy(() -> BurnrateConfig.load(nosource)).hasMessageContaining("nosource.yaml:3").hasMessageContaining("source");
        Path oracle = Files.writeString(dir.resolve("oracle.yaml"), "recommendations:\n  infrequentAccess:\n    Oracle: {ratio: 0.5, source: x}\n");
        assertThatThrownBy(() -> BurnrateConfig.load(oracle)).hasMessageContaining("oracle.yaml:3").hasMessageContaining("no object storage class known");
    }

    @Test
    void load_workingHours_defaultsMonFri8To20Utc_valueWhenGiven_badOnesNameTheirLine() throws Exception {
        dev.burnrate.recommend.WorkingHours none = BurnrateConfig.load(Files.writeString(dir.resolve("none.yaml"), "tagMap: {}\n")).savings().workingHours();
        assertThat(none.describe()).isEqualTo("Mon-Fri 08:00-20:00 UTC");
        BurnrateConfig ok = BurnrateConfig.load(Files.writeString(dir.resolve("ok.yaml"),
                "recommendations:\n  alertAbove: 100\n  workingHours: {days: Sun-Thu, from: \"07:30\", to: 18:00, zone: Asia/Dubai}\n"));
        assertThat(ok.savings().workingHours().describe()).isEqualTo("Sun-Thu 07:30-18:00 Asia/Dubai");
        assertThat(ok.savings().workingHours().cron(ok.savings().workingHours().to())).isEqualTo("0 18 * * 0-4");
        assertThat(ok.recommendations().alertAbove()).isEqualByComparingTo("100");
        // only the zone: the default days and hours in it
        assertThat(BurnrateConfig.load(Files.writeString(dir.resolve("zone.yaml"), "recommendations:\n  workingHours:\n    zone: Europe/Berlin\n"))
                .savings().workingHours().describe()).isEqualTo("Mon-Fri 08:00-20:00 Europe/Berlin");
        Path zone = Files.writeString(dir.resolve("badzone.yaml"), "recommendations:\n  workingHours:\n    days: Mon-Fri\n    zone: Mars/Olympus\n");
        assertThatThrownBy(() -> BurnrateConfig.load(zone)).isInstanceOf(ConfigException.class).hasMessageContaining("badzone.yaml:4")
                .hasMessageContaining("recommendations.workingHours.zone").hasMessageContaining("'Mars/Olympus' is not a time zone");
        Path day = Files.writeString(dir.resolve("badday.yaml"), "recommendations:\n  workingHours: {days: Mon-Fry}\n");
        assertThatThrownBy(() -> BurnrateConfig.load(day)).hasMessageContaining("badday.yaml:2").hasMessageContaining("recommendations.workingHours.days")
                .hasMessageContaining("'Fry' is not a day of the week");
        Path time = Files.writeString(dir.resolve("badtime.yaml"), "recommendations:\n  workingHours:\n    from: 8h\n");
        assertThatThrownBy(() -> BurnrateConfig.load(time)).hasMessageContaining("badtime.yaml:3").hasMessageContaining("recommendations.workingHours.from")
                .hasMessageContaining("'8h' is not a time of day");
        Path backwards = Files.writeString(dir.resolve("backwards.yaml"), "recommendations:\n  workingHours:\n    from: \"20:00\"\n    to: \"08:00\"\n");
        assertThatThrownBy(() -> BurnrateConfig.load(backwards)).hasMessageContaining("backwards.yaml:3").hasMessageContaining("recommendations.workingHours")
                .hasMessageContaining("must start before they end");
        Path typo = Files.writeString(dir.resolve("typo.yaml"), "recommendations:\n  workingHours:\n    timezone: UTC\n");
        assertThatThrownBy(() -> BurnrateConfig.load(typo)).hasMessageContaining("typo.yaml:3").hasMessageContaining("recommendations.workingHours.timezone")
                .hasMessageContaining("unknown key");
    }

    @Test
    void load_unknownKeyOrBadValue_failsWithLine() throws Exception {
        Path a = Files.writeString(dir.resolve("a.yaml"), "tagMap:\n  team:\n    kees: [team]\n");
        assertThatThrownBy(() -> BurnrateConfig.load(a)).hasMessageContaining("a.yaml:3").hasMessageContaining("tagMap.team.kees");
        Path b = Files.writeString(dir.resolve("b.yaml"), "tagMap:\n  team:\n    normalize: upper\n");
        assertThatThrownBy(() -> BurnrateConfig.load(b)).hasMessageContaining("b.yaml:3").hasMessageContaining("'upper'");
        Path c = Files.writeString(dir.resolve("c.yaml"), "budget: []\n");
        assertThatThrownBy(() -> BurnrateConfig.load(c)).hasMessageContaining("c.yaml:1").hasMessageContaining("budget: unknown key");
        Path d = Files.writeString(dir.resolve("d.yaml"), "tagMap:\n  team: [\n");
        assertThatThrownBy(() -> BurnrateConfig.load(d)).isInstanceOf(ConfigException.class).hasMessageContaining("d.yaml:");
    }

    @Test
    void state_aPostgresqlUrl_isKept_andAnythingElseFailsWithLine_withoutShowingThePassword() throws Exception {
        Path ok = Files.writeString(dir.resolve("ok.yaml"), "state: postgresql://burnrate:s3cret@db.internal:5432/burnrate\n");
        assertThat(BurnrateConfig.load(ok).state()).isEqualTo("postgresql://burnrate:s3cret@db.internal:5432/burnrate");
        assertThat(BurnrateConfig.defaults().state()).isNull();
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "budgets: []\nstate: mysql://burnrate:s3cret@db.internal/burnrate\n");
        assertThatThrownBy(() -> BurnrateConfig.load(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad.yaml:2").hasMessageContaining("state").hasMessageContaining("is not a postgresql://")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void ledger_aDirectory_isResolvedBesideTheConfig_andAUrlFailsWithLine() throws Exception {
        Path ok = Files.writeString(dir.resolve("ok.yaml"), "ledger: shared/ledger\n");
        assertThat(BurnrateConfig.load(ok).ledger()).isEqualTo(dir.toAbsolutePath().resolve("shared/ledger"));
        assertThat(BurnrateConfig.defaults().ledger()).isNull();
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "budgets: []\nledger: s3://bills/ledger\n");
        assertThatThrownBy(() -> BurnrateConfig.load(bad)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("bad.yaml:2").hasMessageContaining("ledger").hasMessageContaining("not a directory path");
    }

    @Test
    void refresh_changedTagMap_remapsStoredRowsWithoutReimport() throws Exception {
        Path sample = TestLedger.fixture("focus/focus_sample.csv", dir);
        Field team = Field.parse("team").orElseThrow();
        CostQuery byTeam = new CostQuery(List.of(team), null, null, Granularity.NONE, CostBasis.EFFECTIVE, Map.of());
        try (TestLedger l = new TestLedger(dir)) {
            l.importer.importFiles(List.of(sample));
            // the sample tags carry business_unit, not team: everything is unallocated by team
            assertThat(l.costs.costs(byTeam).rows()).extracting(r -> r.keys().get(0)).containsOnly("__unallocated__");
            Path yaml = Files.writeString(dir.resolve("burnrate.yaml"), "tagMap:\n  team:\n    keys: [business_unit]\n");
            int remapped = DimensionRefresh.refresh(new DuckTagSets(l.db), BurnrateConfig.load(yaml).tagMap());
            assertThat(remapped).isPositive();
            assertThat(l.costs.costs(byTeam).rows()).extracting(r -> r.keys().get(0)).contains("viennaai").hasSizeGreaterThan(5);
            assertThat(DimensionRefresh.refresh(new DuckTagSets(l.db), BurnrateConfig.load(yaml).tagMap())).isZero();
        }
    }
}
