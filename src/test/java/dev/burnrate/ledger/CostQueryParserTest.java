package dev.burnrate.ledger;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CostQueryParserTest {
    private static final Field TEAM = new Field(Field.Kind.DIMENSION, "team");

    @Test
    void commaSeparatedFilterValues_areAlternatives_likeRepeatedFilters() {
        CostQuery listed = CostQueryParser.parse(null, null, null, null, null, List.of("team=fraud,search"));
        CostQuery repeated = CostQueryParser.parse(null, null, null, null, null, List.of("team=fraud", "team=search"));
        assertThat(listed.filters().get(TEAM)).containsExactly("fraud", "search");
        assertThat(listed.filters()).isEqualTo(repeated.filters());
        assertThat(CostQueryParser.parse(null, null, null, null, null, List.of("team:fraud, search", "team=fraud")).filters().get(TEAM))
                .containsExactly("fraud", "search");
    }

    @Test
    void filterListWithAnEmptyValue_isRefusedNamingTheFilter() {
        assertThatThrownBy(() -> CostQueryParser.parse(null, null, null, null, null, List.of("team=fraud,")))
                .isInstanceOf(InvalidParameterException.class).hasMessageContaining("filter=team=fraud,");
        assertThatThrownBy(() -> CostQueryParser.parse(null, null, null, null, null, List.of("team=a,,b")))
                .isInstanceOf(InvalidParameterException.class);
    }

    @Test
    void alternatives_splitACommaListAndRefuseEmptyItems() {
        assertThat(CostQueryParser.alternatives("team", null)).isEmpty();
        assertThat(CostQueryParser.alternatives("team", "a, b,a")).containsExactly("a", "b");
        assertThatThrownBy(() -> CostQueryParser.alternatives("team", "a,")).hasMessageContaining("team=a,");
    }
}
