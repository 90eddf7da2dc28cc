package dev.burnrate.ingest.focus;

/**
 * A file that cannot be imported, with where and why: file, line (1-based, the header is line 1;
 * 0 when the problem is the file as a whole), column, value and reason.
 */
public final class FocusFileException extends RuntimeException {
    private final String file;
    private final long line;
    private final String column;
    private final String value;
    private final String reason;

    public FocusFileException(String file, long line, String column, String value, String reason) {
        super(format(file, line, column, value, reason));
        this.file = file;
        this.line = line;
        this.column = column;
        this.value = value;
        this.reason = reason;
    }

    public static FocusFileException wholeFile(String file, String reason) {
        return new FocusFileException(file, 0, null, null, reason);
    }

    private static String format(String file, long line, String column, String value, String reason) {
        StringBuilder sb = new StringBuilder(file);
        if (line > 0) sb.append(':').append(line);
        if (column != null) sb.append(": column ").append(column);
        if (value != null) sb.append(": value '").append(value).append('\'');
        return sb.append(": ").append(reason).toString();
    }

    public String file() { return file; }
    public long line() { return line; }
    public String column() { return column; }
    public String value() { return value; }
    public String reason() { return reason; }
}
