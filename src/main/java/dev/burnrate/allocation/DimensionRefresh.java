package dev.burnrate.allocation;

import java.util.HashMap;
import java.util.Map;

/**
 * Keeps stored dimensions in step with the tag map: when {@code burnrate.yaml}'s tag map changes, every
 * tag set is mapped again, so reports follow the new map without re-importing any bill.
 */
public final class DimensionRefresh {
    private DimensionRefresh() {
    }

    /** Returns the number of tag sets mapped again (0 when the map is unchanged). */
    public static int refresh(TagSets tagSets, TagMap map) {
        String fp = map.fingerprint();
        if (fp.equals(tagSets.fingerprint())) return 0;
        Map<Long, Map<String, String>> dims = new HashMap<>();
        tagSets.all().forEach((key, tags) -> dims.put(key, map.apply(tags)));
        tagSets.replaceAll(dims, fp);
        return dims.size();
    }
}
