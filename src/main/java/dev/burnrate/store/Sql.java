package dev.burnrate.store;

/** Quoting for identifiers and literals that cannot be bound as parameters (table function arguments). */
final class Sql {
    private Sql() {
    }

    static String ident(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }

    static String literal(String value) {
        return value == null ? "NULL" : "'" + value.replace("'", "''") + "'";
    }
}
