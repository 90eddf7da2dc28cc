package dev.burnrate.policy;

import dev.cel.common.CelAbstractSyntaxTree;
import dev.cel.common.CelOptions;
import dev.cel.common.CelValidationResult;
import dev.cel.common.types.SimpleType;
import dev.cel.compiler.CelCompiler;
import dev.cel.compiler.CelCompilerBuilder;
import dev.cel.compiler.CelCompilerFactory;
import dev.cel.runtime.CelEvaluationException;
import dev.cel.runtime.CelRuntime;
import dev.cel.runtime.CelRuntimeFactory;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * Policies compiled once (CEL, type-checked against the variables of what they apply to) and evaluated many times.
 * A condition that fails at evaluation (a missing key, a type mismatch) counts as not matching and is reported.
 */
public final class PolicySet {
    private static final CelOptions OPTIONS = CelOptions.current().enableHeterogeneousNumericComparisons(true).build();
    private static final CelRuntime RUNTIME = CelRuntimeFactory.standardCelRuntimeBuilder().setOptions(OPTIONS).build();
    private static final Map<Policy.AppliesTo, CelCompiler> COMPILERS = new EnumMap<>(Policy.AppliesTo.class);

    static {
        for (Policy.AppliesTo a : Policy.AppliesTo.values()) {
            CelCompilerBuilder b = CelCompilerFactory.standardCelCompilerBuilder().setOptions(OPTIONS).setResultType(SimpleType.BOOL)
                    .setStandardMacros(dev.cel.parser.CelStandardMacro.STANDARD_MACROS); // has(), all(), exists(), map(), filter()
            for (String v : a.variables()) b.addVar(v, SimpleType.DYN);
            COMPILERS.put(a, b.build());
        }
    }

    /** A policy whose condition held (or, with {@code error} set, could not be evaluated). */
    public record Hit(Policy policy, boolean enforced, String error) {
        public Policy.Effect effect() {
            return policy.effect();
        }

        /** "deny (experiments-on-spot): Experiments run on spot" or "dry-run deny (...)" */
        public String describe() {
            return (enforced ? "" : "dry-run ") + policy.effect().label() + " (" + policy.name() + "): " + policy.message();
        }
    }

    /** @param fields the fields the condition selects on its variable ({@code record.X}), null when it uses the whole variable */
    private record Compiled(Policy policy, CelRuntime.Program program, java.util.Set<String> fields) {
    }

    private final List<Compiled> compiled;
    private final List<Policy> policies;

    private PolicySet(List<Compiled> compiled, List<Policy> policies) {
        this.compiled = compiled;
        this.policies = policies;
    }

    public static PolicySet empty() {
        return new PolicySet(List.of(), List.of());
    }

    /**
     * Compiles every policy; the first that does not compile fails with its source and CEL's message.
     */
    public static PolicySet of(List<Policy> policies) {
        List<Compiled> out = new ArrayList<>();
        java.util.Set<String> names = new java.util.HashSet<>();
        for (Policy p : policies) {
            if (!names.add(p.name())) throw new IllegalArgumentException(p.source() + ": policy '" + p.name() + "' is declared twice");
            CelAbstractSyntaxTree ast = check(p);
            out.add(new Compiled(p, program(p, ast), fields(ast, p.appliesTo().variables()[0])));
        }
        return new PolicySet(List.copyOf(out), List.copyOf(policies));
    }

    private static CelAbstractSyntaxTree check(Policy p) {
        CelValidationResult r = COMPILERS.get(p.appliesTo()).compile(p.condition());
        if (r.hasError()) {
            throw new IllegalArgumentException(p.source() + ": policy '" + p.name() + "': condition does not compile for "
                    + p.appliesTo().label() + " (variables " + String.join(", ", p.appliesTo().variables()) + "): "
                    + r.getErrorString().replace('\n', ' '));
        }
        try {
            return r.getAst();
        } catch (Exception e) {
            throw new IllegalArgumentException(p.source() + ": policy '" + p.name() + "': " + e.getMessage(), e);
        }
    }

    /**
     * The fields a condition reads of {@code variable} ({@code record.ServiceName}, {@code record.tags[...]}), or null
     * when it uses the variable whole (passes it to a function, tests {@code 'x' in record}).
     */
    private static java.util.Set<String> fields(CelAbstractSyntaxTree ast, String variable) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        boolean[] whole = {false};
        dev.cel.common.navigation.CelNavigableAst.fromAst(ast).getRoot().allNodes().forEach(n -> {
            dev.cel.common.ast.CelExpr e = n.expr();
            if (e.getKind() != dev.cel.common.ast.CelExpr.ExprKind.Kind.IDENT || !e.ident().name().equals(variable)) return;
            var parent = n.parent();
            if (parent.isPresent() && parent.get().expr().getKind() == dev.cel.common.ast.CelExpr.ExprKind.Kind.SELECT) {
                out.add(parent.get().expr().select().field());
            } else {
                whole[0] = true;
            }
        });
        return whole[0] ? null : out;
    }

    /**
     * The fields of {@code kind}'s first variable that its policies read, or null when one of them uses the variable
     * whole: a caller can then hand over only those (and evaluate once per distinct combination of them).
     */
    public java.util.Set<String> fieldsRead(Policy.AppliesTo kind) {
        java.util.Set<String> out = new java.util.TreeSet<>();
        for (Compiled c : compiled) {
            if (c.policy.appliesTo() != kind) continue;
            if (c.fields == null) return null;
            out.addAll(c.fields);
        }
        return out;
    }

    /** Whether any policy applies to {@code kind}. */
    public boolean any(Policy.AppliesTo kind) {
        return compiled.stream().anyMatch(c -> c.policy.appliesTo() == kind);
    }

    private static CelRuntime.Program program(Policy p, CelAbstractSyntaxTree ast) {
        try {
            return RUNTIME.createProgram(ast);
        } catch (Exception e) {
            throw new IllegalArgumentException(p.source() + ": policy '" + p.name() + "': " + e.getMessage(), e);
        }
    }

    public List<Policy> policies() {
        return policies;
    }

    /** The policies that apply to {@code kind} and hold for {@code variables}, in declaration order. */
    public List<Hit> evaluate(Policy.AppliesTo kind, Map<String, ?> variables) {
        List<Hit> hits = new ArrayList<>();
        for (Compiled c : compiled) {
            if (c.policy.appliesTo() != kind) continue;
            boolean enforced = c.policy.mode() == Policy.Mode.ENFORCE;
            try {
                if (Boolean.TRUE.equals(c.program.eval(variables))) hits.add(new Hit(c.policy, enforced, null));
            } catch (CelEvaluationException e) {
                hits.add(new Hit(c.policy, false, e.getMessage()));
            }
        }
        return hits;
    }

    /** A stable fingerprint of the policy set (names, conditions, effects, modes, messages), to audit changes. */
    public String fingerprint() {
        StringBuilder b = new StringBuilder();
        for (Policy p : policies) {
            b.append(p.name()).append('|').append(p.appliesTo()).append('|').append(p.condition()).append('|').append(p.effect())
                    .append('|').append(p.mode()).append('|').append(p.message()).append('\n');
        }
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
