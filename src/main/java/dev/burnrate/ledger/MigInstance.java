package dev.burnrate.ledger;

import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One MIG (Multi-Instance GPU) GPU instance of a physical GPU: its GPU instance id ({@code GPU_I_ID}, unique within
 * the GPU) and its profile ({@code GPU_I_PROFILE}, e.g. {@code 1g.10gb}, {@code 3g.40gb}, {@code 1g.10gb+me}).
 * The profile's leading number is its compute slices; the instance is that share of the GPU: slices / 7 on
 * A100, H100, H200 and B200 (seven slices), slices / 4 on the A30 (profiles 1g.6gb, 2g.12gb, 4g.24gb).
 */
public record MigInstance(String id, String profile) {
    private static final Pattern PROFILE = Pattern.compile("^([1-7])g\\.(\\d+)gb([+-][a-z0-9.+-]*)?$");

    public MigInstance {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(profile, "profile");
        if (id.isBlank()) throw new IllegalArgumentException("MIG GPU instance id must not be blank");
        share(profile);
    }

    /** Share of the physical GPU, in (0, 1]. */
    public double share() {
        return share(profile);
    }

    /** The share of a GPU a MIG profile stands for; fails naming the profile when it is not {@code Ng.Mgb[+…]}. */
    public static double share(String profile) {
        Matcher m = PROFILE.matcher(profile == null ? "" : profile.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("MIG profile '" + profile + "' is not of the form <slices>g.<memory>gb (e.g. 1g.10gb, 3g.40gb)");
        }
        int slices = Integer.parseInt(m.group(1));
        int memoryGb = Integer.parseInt(m.group(2));
        // the A30 is the one MIG GPU with four slices; its profiles carry 6 GB per slice
        int ofGpu = memoryGb == 6 * slices && slices <= 4 && (memoryGb == 6 || memoryGb == 12 || memoryGb == 24) ? 4 : 7;
        if (slices > ofGpu) throw new IllegalArgumentException("MIG profile '" + profile + "' has more slices than its GPU");
        return (double) slices / ofGpu;
    }
}
