package dev.burnrate.pricing;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class ProvidersTest {
    @Test
    void commonSpellingsOfOneProvider_findTheSamePrices() {
        PriceCatalog catalog = PriceCatalog.bundled();
        for (String gcp : new String[]{"GCP", "Google Cloud", "google cloud platform", "Google"}) {
            assertThat(catalog.find(gcp, "a3-highgpu-8g", "us-central1")).as(gcp).isPresent();
        }
        assertThat(catalog.find("Amazon Web Services", "p5.48xlarge", "us-east-1")).isPresent();
        assertThat(Providers.canonical("Microsoft")).isEqualTo(Providers.canonical("Microsoft Azure")).isEqualTo("Azure");
        assertThat(Providers.canonical("OCI")).isEqualTo(Providers.canonical("Oracle Cloud Infrastructure")).isEqualTo("Oracle Cloud");
        assertThat(Providers.canonical(" Lambda Labs ")).isEqualTo("Lambda Labs");
    }

    @Test
    void gpuChip_isTheSameAcrossProvidersAndRegions_andSurvivesARateCard() {
        PriceCatalog catalog = PriceCatalog.bundled();
        assertThat(catalog.gpu("GCP", "a3-highgpu-8g", "europe-west4")).hasValueSatisfying(g -> {
            assertThat(g.model()).isEqualTo("h100");
            assertThat(g.count()).isEqualTo(8);
        });
        assertThat(catalog.gpu("AWS", "p5.48xlarge", "us-east-1")).hasValueSatisfying(g -> assertThat(g.model()).isEqualTo("h100"));
        assertThat(catalog.gpu(null, "m5.large", null)).isEmpty();
        PriceCatalog card = catalog.withOverrides(java.util.List.of(new InstancePrice("amazon web services", "p5.48xlarge", "us-east-1", null, 0,
                new java.math.BigDecimal("48.50"), null, null, null, "rate card", "")));
        assertThat(card.require("AWS", "p5.48xlarge", "us-east-1").onDemand()).isEqualByComparingTo("48.50");
        assertThat(card.gpu("AWS", "p5.48xlarge", "us-east-1")).hasValueSatisfying(g -> assertThat(g.count()).isEqualTo(8));
        assertThat(PriceCatalog.gpuModel("NVIDIA H100 80GB HBM3")).isEqualTo("h100");
    }
}
