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

    /** The job a charge belongs to: the {@code x_JobId} column, else a {@code job_id} or {@code job} tag; {@code c} is "" or "alias.". */
    static String jobId(String c) {
        return "coalesce(json_extract_string(" + c + "extra_columns, '$.x_JobId'), json_extract_string(" + c + "\"Tags\", '$.job_id'), "
                + "json_extract_string(" + c + "\"Tags\", '$.job'))";
    }
}
